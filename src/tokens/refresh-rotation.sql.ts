import type { Role } from '../users/role.js';

/**
 * What the presented refresh token turned out to be, in the order it is checked (the first that
 * holds): `reused` (already used, and not a retry: revoked as stolen), `revoked` (its session
 * ended), the session or the token past its expiry, `user_disabled` (disabled or deleted:
 * revoked), `superseded` (opened under an older security stamp than the user's: revoked),
 * `retried` (used within `REFRESH_RETRY_WINDOW`, its successor still unused: that successor is
 * returned again), else `valid` (rotated).
 */
export type PresentedTokenState =
  | 'reused'
  | 'revoked'
  | 'session_expired'
  | 'token_expired'
  | 'user_disabled'
  | 'superseded'
  | 'retried'
  | 'valid';

/** The one row `ROTATE_REFRESH_TOKEN` returns for a known token (none for an unknown one). */
export interface RotationRow {
  state: PresentedTokenState;
  session_id: string;
  user_id: string | null;
  roles: Role[] | null;
  /** The session's `amr` (null: signed in with a password). */
  amr: string[] | null;
  /** The session's `auth_time` (when its user authenticated). */
  auth_time: Date | null;
  /** The successor's expiry: set exactly when `state` is `valid` or `retried`. */
  refresh_expires_at: Date | null;
  /** `retried`: the successor, sealed under a key derived from the presented token. */
  successor_sealed: Buffer | null;
  /** The session revoked by this statement (reuse, disabled user, superseded); else null. */
  revoked_id: string | null;
  /** Why `revoked_id` was revoked. */
  revoked_reason: 'refresh_token_reused' | 'user_disabled' | 'credentials_changed' | null;
}

/**
 * Refresh rotation in one autocommit statement, one round trip for every outcome (issue 7; it
 * was BEGIN, SELECT ... FOR UPDATE, an insert, COMMIT). Parameters: $1 the presented token's
 * hash, $2 the successor's hash, $3 the refresh-token lifetime in seconds, $4 the revocation
 * channel, $5 the successor's id, $6 the retry window in seconds (`REFRESH_RETRY_WINDOW`), $7 the
 * successor sealed under a key derived from the presented token (null when the window is 0).
 *
 * `presented` locks the token's row and classifies it; the data-modifying CTEs act only on the
 * class that concerns them: a `valid` token is marked used (remembering its successor's id and
 * sealed successor), its session touched and the successor inserted; a `reused` token, a
 * disabled or deleted user, or a session opened under an older security stamp than the user's
 * (`superseded`) has the session revoked and announced with `pg_notify` (the payload
 * `notifyRevoked` sends, delivered on commit); a `retried` token changes nothing and returns its
 * sealed successor, whose expiry is the one the rotation gave it (same `now()` as `used_at`).
 *
 * A used token is `retried`, not `reused`, only while all hold: it was used less than $6
 * seconds ago, its successor was sealed (an instance with a window rotated it), and that
 * successor has not been used since. A concurrent presentation waiting on the row lock (below)
 * sees the new `used_at` and sealed successor through EvalPlanQual but not the successor's row,
 * inserted after its snapshot: unused, as it is. So N concurrent presentations within the window
 * all get the one successor, and the family keeps a single live token.
 *
 * Why it is safe under READ COMMITTED: concurrent presentations of one token all block on the
 * row lock of `presented` (FOR UPDATE OF rt) until the holder's statement commits. PostgreSQL
 * then re-reads the newest version of the row and re-evaluates the statement for it
 * (EvalPlanQual), so the waiter sees `used_at` set and classifies the token as `reused`: it
 * inserts no successor and revokes the session, whose UPDATE likewise re-checks the newest
 * session row (`revoked_at IS NULL`), so of several waiters one revokes and announces. Exactly
 * one presentation rotates, and the revocation is committed before the caller answers 401. All
 * CTEs share one snapshot and cannot see each other's writes, which is why the outcome is read
 * from `presented` and the RETURNING rows, never from the tables.
 *
 * The sessions and users rows are read from the statement's snapshot, not locked: a logout or a
 * disabling committed meanwhile is seen by the next refresh, as it was with the transaction.
 */
export const ROTATE_REFRESH_TOKEN = `
  WITH presented AS MATERIALIZED (
    SELECT rt.id, rt.session_id, s.expires_at AS session_expires_at, u.id AS user_id, u.roles, s.amr, s.auth_time,
           rt.used_at, rt.successor_sealed,
           CASE WHEN rt.used_at IS NOT NULL AND NOT (
                       rt.successor_sealed IS NOT NULL
                       AND rt.used_at > now() - make_interval(secs => $6)
                       AND NOT EXISTS (SELECT 1 FROM refresh_tokens n
                                        WHERE n.id = rt.successor_id AND n.used_at IS NOT NULL))
                THEN 'reused'
                WHEN s.revoked_at IS NOT NULL THEN 'revoked'
                WHEN s.expires_at <= now() THEN 'session_expired'
                WHEN rt.expires_at <= now() THEN 'token_expired'
                WHEN u.id IS NULL OR u.disabled_at IS NOT NULL THEN 'user_disabled'
                WHEN s.user_stamp < u.sessions_valid_after THEN 'superseded'
                WHEN rt.used_at IS NOT NULL THEN 'retried'
                ELSE 'valid' END AS state
      FROM refresh_tokens rt
      JOIN sessions s ON s.id = rt.session_id
      LEFT JOIN users u ON u.id = s.user_id
     WHERE rt.token_hash = $1
       FOR UPDATE OF rt),
  used AS (
    UPDATE refresh_tokens SET used_at = now(), successor_id = $5, successor_sealed = $7
     WHERE id = (SELECT id FROM presented WHERE state = 'valid') AND used_at IS NULL
     RETURNING session_id),
  touched AS (
    UPDATE sessions SET last_used_at = now() WHERE id = (SELECT session_id FROM used)),
  successor AS (
    INSERT INTO refresh_tokens (id, session_id, token_hash, expires_at)
    SELECT $5, used.session_id, $2, LEAST(now() + make_interval(secs => $3), p.session_expires_at)
      FROM used, presented p
     RETURNING expires_at),
  revoked AS (
    UPDATE sessions
       SET revoked_at = now(),
           revoked_reason = CASE p.state WHEN 'reused' THEN 'refresh_token_reused'
                                         WHEN 'superseded' THEN 'credentials_changed'
                                         ELSE 'user_disabled' END
      FROM presented p
     WHERE sessions.id = p.session_id AND p.state IN ('reused', 'user_disabled', 'superseded')
       AND sessions.revoked_at IS NULL
     RETURNING sessions.id, sessions.revoked_reason)
  SELECT p.state, p.session_id, p.user_id, p.roles, p.amr, p.auth_time,
         CASE p.state WHEN 'retried'
              THEN LEAST(p.used_at + make_interval(secs => $3), p.session_expires_at)
              ELSE successor.expires_at END AS refresh_expires_at,
         CASE p.state WHEN 'retried' THEN p.successor_sealed END AS successor_sealed,
         revoked.id AS revoked_id, revoked.revoked_reason,
         CASE WHEN revoked.id IS NOT NULL
              THEN pg_notify($4, json_build_array(revoked.id)::text) END AS notified
    FROM presented p
    LEFT JOIN successor ON true
    LEFT JOIN revoked ON true`;
