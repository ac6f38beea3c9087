import { BadRequestException, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ErrorCode } from '../../common/errors/error-codes.js';
import {
  generateRefreshToken as generateOpaqueToken,
  hashRefreshToken as hashOpaqueToken,
  isRefreshTokenShaped as isOpaqueTokenShaped,
} from '../../tokens/refresh-token-secret.js';
import type { EmailTokenPurpose } from './email-token.entity.js';

export interface ConsumedEmailToken {
  userId: string;
  /** The address the link went to. */
  email: string;
  sessionId: string | null;
}

export const invalidOrExpiredToken = () =>
  new BadRequestException({
    code: ErrorCode.InvalidOrExpiredToken,
    message: 'This link is unknown, already used or expired; ask for a new one',
  });

/**
 * Link tokens: 256 random bits (the refresh token's generator), SHA-256 stored, single use,
 * expiring. Issuing one deletes the user's older unused ones of the same purpose.
 */
@Injectable()
export class EmailTokensService {
  async issue(
    manager: EntityManager,
    purpose: EmailTokenPurpose,
    grant: { userId: string; email: string; ttlSeconds: number; sessionId?: string },
  ): Promise<string> {
    const { token, hash } = generateOpaqueToken();
    await manager.query(
      `WITH older AS (
         DELETE FROM email_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL)
       INSERT INTO email_tokens (user_id, purpose, token_hash, email, session_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [grant.userId, purpose, hash, grant.email, grant.sessionId ?? null, grant.ttlSeconds],
    );
    return token;
  }

  /**
   * Spends the token in one conditional statement, so of two presentations one wins; throws 400
   * `invalid_or_expired_token` otherwise. A verification or reset link also stops working once
   * the account's address is no longer the one it was sent to, or the account is disabled; an
   * email-change link once the session that asked for it has ended (signed out, revoked).
   */
  async consume(
    manager: EntityManager,
    purpose: EmailTokenPurpose,
    token: string,
  ): Promise<ConsumedEmailToken> {
    if (!isOpaqueTokenShaped(token)) throw invalidOrExpiredToken();
    const [row] = await manager.query<
      { user_id: string; email: string; session_id: string | null }[]
    >(
      // In a CTE so the driver returns the rows (a bare UPDATE yields [rows, count]).
      `WITH spent AS (
         UPDATE email_tokens t SET used_at = now()
           FROM users u
          WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL
            AND t.expires_at > now() AND u.id = t.user_id AND u.disabled_at IS NULL
            AND (t.purpose = 'email_change' OR u.email = t.email)
            AND (t.session_id IS NULL OR EXISTS (
                  SELECT FROM sessions s WHERE s.id = t.session_id AND s.revoked_at IS NULL))
          RETURNING t.user_id, t.email, t.session_id)
       SELECT * FROM spent`,
      [hashOpaqueToken(token), purpose],
    );
    if (!row) throw invalidOrExpiredToken();
    return { userId: row.user_id, email: row.email, sessionId: row.session_id };
  }
}
