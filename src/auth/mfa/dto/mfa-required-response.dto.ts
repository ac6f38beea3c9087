import { ApiProperty } from '@nestjs/swagger';
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
    enum: ['totp', 'recovery_code'],
    isArray: true,
    example: ['totp', 'recovery_code'],
  })
  methods: MfaMethod[];
}
