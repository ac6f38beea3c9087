import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import type { ClientInfo } from '../common/client-info.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { sessionsConfig } from '../config/sessions.config.js';
import type { Role } from '../users/role.js';
import { generateRefreshToken, hashRefreshToken } from './refresh-token-secret.js';
import { ROTATE_REFRESH_TOKEN, type RotationRow } from './refresh-rotation.sql.js';
import { openSealedSuccessor, sealSuccessor } from './refresh-successor-seal.js';
import { REVOCATION_CHANNEL } from './revocation-feed.js';
import { SessionRevocations, type RevocationReason } from './session-revocations.js';
import { refreshRefused } from './session-errors.js';
import { TokenEvent, type SessionEventPayload } from './token-events.js';

export interface IssuedRefreshToken {
  sessionId: string;
  refreshToken: string;
  refreshExpiresAt: Date;
  /** When the user authenticated for this session (RFC 9470 `auth_time`). */
  authTime: Date;
}

export interface RotatedSession extends IssuedRefreshToken {
  userId: string;
  roles: Role[];
  /** As the session was signed in (`open`'s `amr`), for its access tokens. */
  amr?: string[];
}

export interface ActiveSession {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

type Rotation =
  | { outcome: 'rotated'; session: RotatedSession; revokedIds?: undefined }
  | { outcome: 'retried'; session: RotatedSession; revokedIds?: undefined }
  | {
      outcome: 'reused';
      revokedIds: string[];
      reason: RevocationReason;
      userId: string | null;
      sessionId: string;
    }
  | {
      outcome: 'invalid' | 'session_expired';
      revokedIds?: string[];
      reason?: RevocationReason;
      userId?: string | null;
      sessionId?: string;
    };

const clip = (value: string | undefined, length: number) => value?.slice(0, length) || null;

/**
 * Sessions and their refresh tokens: open at sign-in, rotate on refresh (single use, with reuse
 * detection), list. Ending them is `SessionRevocations`'.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly statements: PreparedStatements,
    private readonly revocations: SessionRevocations,
    private readonly events: EventEmitter2,
    @Inject(sessionsConfig.KEY) private readonly config: ConfigType<typeof sessionsConfig>,
  ) {}

  /**
   * Opens a session with its first refresh token, in one statement so nothing is half-written,
   * and only if the user is still active under `sessionsValidAfter`, the security stamp the
   * sign-in verified the credentials under; null when not. The user's row is share-locked, so a
   * password change, disable or role change either waits for this session to exist (and then
   * revokes it) or has committed first (and this statement sees the new stamp and opens nothing).
   */
  async open(
    userId: string,
    sessionsValidAfter: Date,
    client: ClientInfo,
    amr?: readonly string[],
  ): Promise<IssuedRefreshToken | null> {
    const { token, hash } = generateRefreshToken();
    const [row] = await this.statements.query<{
      session_id: string;
      expires_at: Date;
      auth_time: Date;
    }>(
      'open_session',
      `WITH account AS (
         SELECT id, sessions_valid_after FROM users
          WHERE id = $1 AND sessions_valid_after = $7 AND disabled_at IS NULL
            FOR SHARE),
       session AS (
         INSERT INTO sessions (user_id, expires_at, user_agent, ip, user_stamp, amr)
         SELECT id, now() + make_interval(secs => $2), $3, $4, sessions_valid_after, $8
           FROM account
         RETURNING id, expires_at, auth_time)
       INSERT INTO refresh_tokens (session_id, token_hash, expires_at)
       SELECT id, $5, LEAST(now() + make_interval(secs => $6), expires_at) FROM session
       RETURNING session_id, expires_at, (SELECT auth_time FROM session) AS auth_time`,
      [
        userId,
        this.config.sessionMaxAgeSeconds,
        clip(client.userAgent, 512),
        clip(client.ip, 64),
        hash,
        this.config.refreshTokenTtlSeconds,
        sessionsValidAfter,
        amr ?? null,
      ],
    );
    if (!row) return null;
    return {
      sessionId: row.session_id,
      refreshToken: token,
      refreshExpiresAt: row.expires_at,
      authTime: row.auth_time,
    };
  }

  /** Moves a live session of the user to a new security stamp, so it survives the change. */
  async restamp(userId: string, sessionId: string, sessionsValidAfter: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE sessions SET user_stamp = $3
        WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`,
      [sessionId, userId, sessionsValidAfter],
    );
  }

  /**
   * Exchanges a refresh token for its successor in one statement (`ROTATE_REFRESH_TOKEN`): of
   * concurrent presentations exactly one rotates; the others find the token used, which is
   * treated as theft: the whole session is revoked, in that same statement. Within
   * `REFRESH_RETRY_WINDOW` of the rotation, while the successor is unused, a presentation of
   * the spent token gets that same successor back instead (ADR 0014).
   */
  async rotate(refreshToken: string, client?: ClientInfo): Promise<RotatedSession> {
    const result = await this.rotateOnce(refreshToken);
    // Thrown after the commit, so the revocation it reports is not rolled back with it.
    if (result.revokedIds?.length && result.reason) {
      const { userId, revokedIds: sessionIds, reason } = result;
      this.revocations.revokedElsewhere({ userId, sessionIds, reason, client });
    }
    if (result.outcome === 'rotated' || result.outcome === 'retried') {
      const { userId, sessionId } = result.session;
      const event = result.outcome === 'rotated' ? TokenEvent.Refreshed : TokenEvent.RefreshRetried;
      this.emit(event, { userId, sessionId, client });
      return result.session;
    }
    const { userId, sessionId, outcome } = result;
    const refused = { userId, sessionId, reason: outcome, client };
    if (result.outcome === 'reused') {
      this.emit(TokenEvent.RefreshReused, refused);
      throw refreshRefused.reused();
    }
    this.emit(TokenEvent.RefreshRefused, refused);
    if (result.outcome === 'session_expired') throw refreshRefused.sessionExpired();
    throw refreshRefused.invalid();
  }

  /**
   * Whether this refresh token's session was opened while its account's address was unproven
   * (REQUIRE_VERIFIED_EMAIL: such sessions are not refreshed). False for an unknown token: the
   * rotation refuses it as usual.
   */
  async openedUnverified(refreshToken: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM refresh_tokens rt
         JOIN sessions s ON s.id = rt.session_id
         JOIN users u ON u.id = s.user_id
        WHERE rt.token_hash = $1
          AND (u.email_verified_at IS NULL OR u.email_verified_at > s.created_at)`,
      [hashRefreshToken(refreshToken)],
    );
    return rows.length > 0;
  }

  private async rotateOnce(presented: string): Promise<Rotation> {
    const next = generateRefreshToken();
    const window = this.config.refreshRetryWindowSeconds;
    const [row] = await this.statements.query<RotationRow>(
      'rotate_refresh_token',
      ROTATE_REFRESH_TOKEN,
      [
        hashRefreshToken(presented),
        next.hash,
        this.config.refreshTokenTtlSeconds,
        REVOCATION_CHANNEL,
        randomUUID(),
        window,
        window > 0 ? sealSuccessor(presented, next.token) : null,
      ],
    );
    if (!row) return { outcome: 'invalid' };
    const known = { userId: row.user_id, sessionId: row.session_id };
    const revokedIds = row.revoked_id ? [row.revoked_id] : [];
    const reason = row.revoked_reason ?? undefined;
    switch (row.state) {
      case 'valid':
        // A valid token always gets a successor while `presented` holds its row lock; should
        // that ever fail, answer 500 rather than a pair without a refresh token behind it.
        if (!row.refresh_expires_at) throw new Error('Refresh rotation inserted no successor');
        return {
          outcome: 'rotated',
          session: {
            sessionId: row.session_id,
            userId: row.user_id!,
            roles: row.roles!,
            amr: row.amr ?? undefined,
            authTime: row.auth_time!,
            refreshToken: next.token,
            refreshExpiresAt: row.refresh_expires_at,
          },
        };
      case 'retried':
        return {
          outcome: 'retried',
          session: {
            sessionId: row.session_id,
            userId: row.user_id!,
            roles: row.roles!,
            amr: row.amr ?? undefined,
            authTime: row.auth_time!,
            // Its hash matched, so the presented token opens what was sealed under it.
            refreshToken: openSealedSuccessor(presented, row.successor_sealed!),
            refreshExpiresAt: row.refresh_expires_at!,
          },
        };
      case 'reused':
        return { outcome: 'reused', revokedIds, reason: 'refresh_token_reused', ...known };
      case 'user_disabled':
      case 'superseded':
        return { outcome: 'invalid', revokedIds, reason, ...known };
      case 'session_expired':
        return { outcome: 'session_expired', ...known };
      default:
        return { outcome: 'invalid', ...known };
    }
  }

  /** The user's sessions that can still be refreshed, newest first. */
  async listActive(userId: string): Promise<ActiveSession[]> {
    const rows = await this.dataSource.query(
      `SELECT s.id, s.created_at, s.last_used_at, s.expires_at, s.user_agent, s.ip
         FROM sessions s
        WHERE s.user_id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND EXISTS (SELECT 1 FROM refresh_tokens rt
                       WHERE rt.session_id = s.id AND rt.used_at IS NULL AND rt.expires_at > now())
        ORDER BY s.created_at DESC, s.id`,
      [userId],
    );
    return rows.map((row: Record<string, unknown>) => ({
      id: row.id,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      expiresAt: row.expires_at,
      userAgent: row.user_agent,
      ip: row.ip,
    }));
  }

  /** Fire and forget: counting and auditing must never slow down or fail the request. */
  private emit(event: string, payload: SessionEventPayload): void {
    this.events.emit(event, payload);
  }
}
