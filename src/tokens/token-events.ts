import type { ClientInfo } from '../common/client-info.js';
import type { RevocationReason } from './session-revocations.js';

/** What happened to sessions, for metrics and the audit trail. Emitted after the commit. */
export const TokenEvent = {
  Refreshed: 'tokens.refreshed',
  /** A just-rotated token came back within REFRESH_RETRY_WINDOW: its successor was returned. */
  RefreshRetried: 'tokens.refresh_retried',
  /** A used refresh token came back: the session was revoked as stolen. */
  RefreshReused: 'tokens.refresh_reused',
  /** Any other refused refresh (unknown, expired, revoked, session over). */
  RefreshRefused: 'tokens.refresh_refused',
  SessionsRevoked: 'tokens.sessions_revoked',
} as const;

export interface SessionEventPayload {
  userId?: string | null;
  sessionId?: string;
  reason?: string;
  /** Who presented the refresh token. */
  client?: ClientInfo;
}

export interface SessionsRevokedPayload {
  userId?: string | null;
  sessionIds: string[];
  reason: RevocationReason;
  /** Who ended them (the user, or an administrator); absent when the server did (reuse). */
  actorId?: string;
  client?: ClientInfo;
}
