import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { WebauthnResponseField } from './webauthn-response.decorator.js';

/** `POST /auth/passkeys/registration/verify`: the authenticator's answer to the options. */
export class PasskeyRegistrationDto {
  @WebauthnResponseField('registration')
  response: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'Laptop',
    maxLength: 64,
    description: 'What the user calls it; default "Passkey"',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  name?: string;
}
