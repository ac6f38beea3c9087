import { Injectable } from '@nestjs/common';
import { PreparedStatements } from '../database/prepared-statements.js';
import { normalizeEmail } from '../users/dto/email.decorator.js';
import { PasswordHasher } from '../users/password-hasher.service.js';
import type { Role } from '../users/role.js';
import type { MfaMethod } from './mfa/mfa-events.js';
import {
  SECOND_FACTOR_FLAG_COLUMNS,
  secondFactorMethods,
  type SecondFactorFlags,
} from './mfa/second-factors.js';

/** An account whose password was just verified, with what the sign-in decides on next. */
export interface VerifiedAccount {
  id: string;
  roles: Role[];
  /**
   * The security stamp the password was verified under: a session opens only while it is still
   * the user's (see `SessionsService.open`).
   */
  sessionsValidAfter: Date;
  emailVerifiedAt: Date | null;
  /** Not empty: the password alone signs nobody in (`POST /auth/login/mfa`). */
  secondFactors: MfaMethod[];
}

interface CredentialsRow extends SecondFactorFlags {
  id: string;
  roles: Role[];
  passwordHash: string | null;
  disabledAt: Date | null;
  sessionsValidAfter: Date;
  emailVerifiedAt: Date | null;
}

/**
 * The password check of a sign-in (`LocalStrategy`): one statement reads the credentials and the
 * account's second factors together, then one argon2 verification. Sign-in CPU is what the argon2
 * threads run short of, so the row is read raw, with the columns needed only.
 */
@Injectable()
export class SignInCredentials {
  constructor(
    private readonly statements: PreparedStatements,
    private readonly hasher: PasswordHasher,
  ) {}

  /**
   * The active account with these credentials, or null. Unknown, disabled and wrong-password
   * cases all cost one argon2 verification, so response time does not reveal which accounts exist.
   */
  async verify(email: string, password: string): Promise<VerifiedAccount | null> {
    const [row] = await this.statements.query<CredentialsRow>(
      'find_sign_in_credentials',
      `SELECT id, roles, password_hash AS "passwordHash", disabled_at AS "disabledAt",
              sessions_valid_after AS "sessionsValidAfter", email_verified_at AS "emailVerifiedAt",
              ${SECOND_FACTOR_FLAG_COLUMNS}
         FROM users WHERE email = $1`,
      [normalizeEmail(email)],
    );
    const matches = await this.hasher.verify(row?.passwordHash ?? null, password);
    if (!matches || !row || row.disabledAt !== null) return null;
    return {
      id: row.id,
      roles: row.roles,
      sessionsValidAfter: row.sessionsValidAfter,
      emailVerifiedAt: row.emailVerifiedAt,
      secondFactors: secondFactorMethods(row),
    };
  }
}
