import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsOptional,
} from 'class-validator';
import { ROLES, type Role } from '../role.js';
import { DisplayNameField } from './display-name.decorator.js';

export class AdminUpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES, isArray: true, example: ['user', 'admin'] })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional({ description: 'true disables sign-in; false enables it again' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @DisplayNameField()
  displayName?: string;
}
