import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '../users/role.js';
import { hashRefreshToken, isRefreshTokenShaped } from './refresh-token-secret.js';

export interface RefreshTokenState {
  sessionId: string;
  /** Null once the account is deleted. */
  userId: string | null;
  roles: Role[];
  issuedAt: Date;
  expiresAt: Date;
  /** Whether `POST /auth/refresh` would take it now (ignoring REFRESH_RETRY_WINDOW). */
  active: boolean;
}

/**
 * What a refresh token is, without using it: for introspection (RFC 7662) and revocation
 * (RFC 7009). Active means unused, unexpired, its session neither revoked nor past its end, and
 * its user enabled and under the security stamp the session was opened with.
 */
@Injectable()
export class RefreshTokenLookup {
  constructor(private readonly dataSource: DataSource) {}

  async find(token: string): Promise<RefreshTokenState | null> {
    if (!isRefreshTokenShaped(token)) return null;
    const [row]: {
      session_id: string;
      user_id: string | null;
      roles: Role[] | null;
      created_at: Date;
      expires_at: Date;
      active: boolean;
    }[] = await this.dataSource.query(
      `SELECT rt.session_id, s.user_id, u.roles, rt.created_at, rt.expires_at,
              (rt.used_at IS NULL AND rt.expires_at > now() AND s.revoked_at IS NULL
               AND s.expires_at > now() AND u.disabled_at IS NULL
               AND s.user_stamp = u.sessions_valid_after) IS TRUE AS active
         FROM refresh_tokens rt
         JOIN sessions s ON s.id = rt.session_id
         LEFT JOIN users u ON u.id = s.user_id
        WHERE rt.token_hash = $1`,
      [hashRefreshToken(token)],
    );
    if (!row) return null;
    return {
      sessionId: row.session_id,
      userId: row.user_id,
      roles: row.roles ?? [],
      issuedAt: row.created_at,
      expiresAt: row.expires_at,
      active: row.active,
    };
  }
}
