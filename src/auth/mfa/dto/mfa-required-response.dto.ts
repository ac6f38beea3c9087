import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { MfaMethod } from '../mfa-events.js';

/** `POST /auth/login` for an account with a second factor: no tokens yet. */
export class MfaRequiredResponseDto {
  @ApiProperty({ enum: [true] })
  mfaRequired: true;

  @ApiProperty({
    description: 'Opaque, single use, valid 5 minutes: send it to POST /auth/login/mfa',
  })
  mfaToken: string;

  @ApiProperty({
    enum: ['totp', 'webauthn', 'recovery_code'],
    isArray: true,
    example: ['totp', 'webauthn', 'recovery_code'],
  })
  methods: MfaMethod[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'When `methods` has `webauthn`: the options for `navigator.credentials.get()` ' +
      "(`startAuthentication({ optionsJSON })`) over the account's passkeys; send the answer " +
      'as `webauthn` to POST /auth/login/mfa',
  })
  webauthnOptions?: PublicKeyCredentialRequestOptionsJSON;
}
