import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { EmailField } from '../../users/dto/email.decorator.js';
import { PASSWORD_MAX_LENGTH } from '../../users/dto/password.decorator.js';
import {
  RefreshTokenTransportField,
  type RefreshTokenTransport,
} from './refresh-token-transport.decorator.js';

export class LoginDto {
  @EmailField()
  email: string;

  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @RefreshTokenTransportField()
  refreshTokenTransport?: RefreshTokenTransport;
}
