import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { EmailField } from '../../../users/dto/email.decorator.js';
import { PASSWORD_MAX_LENGTH } from '../../../users/dto/password.decorator.js';

export class ChangeEmailDto {
  @EmailField()
  newEmail: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;
}
