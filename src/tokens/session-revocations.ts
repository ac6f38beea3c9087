import { Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, type EntityManager } from 'typeorm';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import { notifyRevoked } from './revocation-feed.js';
import { RevokedSessions } from './revoked-sessions.js';
import { TokenEvent, type SessionsRevokedPayload } from './token-events.js';

export type RevocationReason =
  | 'logout'
  | 'logout_all'
  | 'revoked_by_user'
  | 'revoked_by_admin'
  | 'refresh_token_reused'
  | 'password_changed'
  | 'user_disabled'
  | 'roles_changed'
  | 'user_deleted'
  | 'credentials_changed'
  | 'token_revoked'
  | 'password_reset'
  | 'email_changed'
  | 'mfa_reset';

/** Who ends sessions and from where, passed on to `TokenEvent.SessionsRevoked`. */
export interface RevocationOrigin {
  actorId?: string;
  client?: ClientInfo;
}

/**
 * Ending sessions: one of a user's, or all of them. Each is marked revoked in the database,
 * refused by this instance at once (`RevokedSessions`) and by the others when they hear the
 * NOTIFY, which PostgreSQL delivers on commit.
 */
@Injectable()
export class SessionRevocations {
  constructor(
    private readonly dataSource: DataSource,
    private readonly revoked: RevokedSessions,
    private readonly events: EventEmitter2,
  ) {}

  /** Revokes one of the user's sessions; 404 when it is not theirs (or does not exist). */
  async revokeOwn(
    userId: string,
    sessionId: string,
    reason: RevocationReason,
    origin: RevocationOrigin = {},
  ): Promise<void> {
    const [owned] = await this.dataSource.query(
      'SELECT 1 FROM sessions WHERE id = $1 AND user_id = $2',
      [sessionId, userId],
    );
    if (!owned) {
      throw new NotFoundException({ code: ErrorCode.NotFound, message: 'Session not found' });
    }
    await this.revoke('id = $1', [sessionId], reason, userId, origin);
  }

  /**
   * Revokes every session of the user, but `exceptSessionId` when given. Within `manager`'s
   * transaction when given (the caller commits; other instances hear of it on commit).
   */
  revokeAllOfUser(
    userId: string,
    reason: RevocationReason,
    {
      exceptSessionId,
      manager,
      ...origin
    }: RevocationOrigin & { exceptSessionId?: string; manager?: EntityManager } = {},
  ): Promise<string[]> {
    return exceptSessionId
      ? this.revoke(
          'user_id = $1 AND id <> $2',
          [userId, exceptSessionId],
          reason,
          userId,
          origin,
          manager,
        )
      : this.revoke('user_id = $1', [userId], reason, userId, origin, manager);
  }

  /**
   * Sessions a statement elsewhere has already revoked and announced by NOTIFY (the refresh
   * rotation, on reuse): refused here at once, and reported.
   */
  revokedElsewhere(payload: SessionsRevokedPayload): void {
    this.revoked.add(payload.sessionIds);
    if (payload.sessionIds.length > 0) this.announce(payload);
  }

  private async revoke(
    where: string,
    params: unknown[],
    reason: RevocationReason,
    userId: string,
    origin: RevocationOrigin,
    manager?: EntityManager,
  ): Promise<string[]> {
    const ids = manager
      ? await this.revokeWithin(manager, where, params, reason)
      : await this.dataSource.transaction((own) => this.revokeWithin(own, where, params, reason));
    this.revoked.add(ids);
    if (ids.length > 0) this.announce({ userId, sessionIds: ids, reason, ...origin });
    return ids;
  }

  /** Fire and forget: counting and auditing must never slow down or fail the request. */
  private announce(payload: SessionsRevokedPayload): void {
    this.events.emit(TokenEvent.SessionsRevoked, payload);
  }

  /** Marks the matching live sessions revoked and announces them (delivered on commit). */
  private async revokeWithin(
    manager: EntityManager,
    where: string,
    params: unknown[],
    reason: RevocationReason,
  ): Promise<string[]> {
    // Wrapped in a CTE so the driver returns the rows (a bare UPDATE yields [rows, count]).
    const rows: { id: string }[] = await manager.query(
      `WITH revoked AS (
         UPDATE sessions SET revoked_at = now(), revoked_reason = $${params.length + 1}
          WHERE ${where} AND revoked_at IS NULL
          RETURNING id)
       SELECT id FROM revoked`,
      [...params, reason],
    );
    const ids = rows.map((row) => row.id);
    await notifyRevoked(manager, ids);
    return ids;
  }
}
