import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import {
  RefreshTokenTransportField,
  type RefreshTokenTransport,
} from '../../dto/refresh-token-transport.decorator.js';

/** The second step of a sign-in: the `mfaToken` of the first, and one second factor. */
export class MfaLoginDto {
  @ApiProperty({ description: 'From the `mfaRequired` answer of POST /auth/login' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  mfaToken: string;

  @ApiPropertyOptional({
    example: '123456',
    description: 'A TOTP code (or `recoveryCode`, or `webauthn`)',
  })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({ example: 'abcde-fghjk', description: 'An unused recovery code' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  recoveryCode?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'A passkey assertion (`AuthenticationResponseJSON`) answering the `webauthnOptions` of ' +
      'the `mfaRequired` answer (or `code`, or `recoveryCode`)',
  })
  @IsOptional()
  @IsObject()
  webauthn?: Record<string, unknown>;

  @RefreshTokenTransportField()
  refreshTokenTransport?: RefreshTokenTransport;
}
