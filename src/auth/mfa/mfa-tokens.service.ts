import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Role } from '../../users/role.js';
import { sha256 } from '../../common/sha256.js';

/** How long the second step of a sign-in may take. */
export const MFA_TOKEN_TTL_SECONDS = 300;

export interface PendingSignIn {
  userId: string;
  email: string;
  sessionsValidAfter: Date;
}

export interface ClaimedSignIn extends PendingSignIn {
  roles: Role[];
  token: string;
  expiresAt: Date;
}

/**
 * The `mfaToken` between a right password and the second factor: opaque, 256 random bits,
 * stored as SHA-256, bound to the user, valid five minutes, claimed by one DELETE (so two
 * instances finishing it at once give one sign-in).
 */
@Injectable()
export class MfaTokensService {
  private readonly logger = new Logger('MfaTokensCleanup');
  constructor(private readonly dataSource: DataSource) {}

  async issue(pending: PendingSignIn): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.query(
      `INSERT INTO mfa_tokens (token_hash, user_id, email, sessions_valid_after, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [
        sha256(token),
        pending.userId,
        pending.email,
        pending.sessionsValidAfter,
        MFA_TOKEN_TTL_SECONDS,
      ],
    );
    return token;
  }

  /**
   * Takes the token for one second step, atomically (one DELETE): undefined when it is unknown,
   * expired, spent, or taken by a concurrent step. The step then checks its factor, and gives
   * the token back with `restore` when the factor was wrong, so the user may type again, while
   * a concurrent step never reaches its factor (a recovery code is not spent for nothing).
   */
  async claim(token: string): Promise<ClaimedSignIn | undefined> {
    const [row] = await this.dataSource.query(
      `WITH spent AS (
         DELETE FROM mfa_tokens m USING users u
          WHERE m.token_hash = $1 AND m.expires_at > now() AND u.id = m.user_id
          RETURNING m.user_id, m.email, m.sessions_valid_after, m.expires_at, u.roles)
       SELECT * FROM spent`,
      [sha256(token)],
    );
    return row && { ...toPending(row), roles: row.roles, token, expiresAt: row.expires_at };
  }

  /** Puts a claimed token back, with its original expiry (a wrong factor leaves it usable). */
  async restore(claimed: ClaimedSignIn): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO mfa_tokens (token_hash, user_id, email, sessions_valid_after, expires_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token_hash) DO NOTHING`,
      [
        sha256(claimed.token),
        claimed.userId,
        claimed.email,
        claimed.sessionsValidAfter,
        claimed.expiresAt,
      ],
    );
  }

  /** Expired tokens go hourly, so the table holds only the sign-ins under way. */
  @Cron(CronExpression.EVERY_HOUR, { name: 'mfa-tokens-cleanup' })
  async deleteExpired(): Promise<void> {
    try {
      await this.dataSource.query(`DELETE FROM mfa_tokens WHERE expires_at <= now()`);
    } catch (error) {
      this.logger.warn(`Cleanup failed, will retry next hour: ${(error as Error).message}`);
    }
  }
}

function toPending(row: Record<string, unknown>): PendingSignIn {
  return {
    userId: row.user_id as string,
    email: row.email as string,
    sessionsValidAfter: new Date(row.sessions_valid_after as Date),
  };
}
