import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  ValidateIf,
} from 'class-validator';
import { ROLES, type Role } from '../role.js';
import { DisplayNameField } from './display-name.decorator.js';

export class AdminUpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES, isArray: true, example: ['user', 'admin'] })
  // Absent means unchanged; null is not a role list (IsOptional would let it through).
  @ValidateIf((_, value) => value !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ description: 'true disables sign-in; false enables it again' })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  disabled?: boolean;

  @DisplayNameField()
  displayName?: string;
}
