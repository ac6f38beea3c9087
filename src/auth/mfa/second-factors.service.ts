import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MfaMethod } from './mfa-events.js';

/** Which second factors an account has, in one query (asked at every correct password). */
@Injectable()
export class SecondFactorsService {
  constructor(private readonly dataSource: DataSource) {}

  async methodsOf(userId: string): Promise<MfaMethod[]> {
    const [row] = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM totp_secrets
                       WHERE user_id = $1 AND confirmed_at IS NOT NULL) AS totp,
              EXISTS (SELECT 1 FROM webauthn_credentials WHERE user_id = $1) AS webauthn,
              EXISTS (SELECT 1 FROM recovery_codes
                       WHERE user_id = $1 AND used_at IS NULL) AS recovery_code`,
      [userId],
    );
    const methods: MfaMethod[] = [];
    if (row?.totp) methods.push('totp');
    if (row?.webauthn) methods.push('webauthn');
    // Recovery codes stand in for the factor they came with, never alone.
    if (row?.totp && row?.recovery_code) methods.push('recovery_code');
    return methods;
  }
}
