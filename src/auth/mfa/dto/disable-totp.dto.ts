import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../../users/dto/password.decorator.js';

/** Turning TOTP off proves the user once more: a current code, or the password. */
export class DisableTotpDto {
  @ApiPropertyOptional({ example: '123456', description: 'A current code (or `currentPassword`)' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({ description: 'The password (or `code`)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword?: string;
}
