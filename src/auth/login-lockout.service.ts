import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { addressKey, type ClientInfo } from '../common/client-info.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import { securityConfig } from '../config/security.config.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { RELAXED_COMMIT } from '../database/relaxed-commit.js';

/** What a lock shuts out: one client address for the email, or the email for everyone. */
export type LockScope = 'address' | 'account';

/** An attempt that may go on to the password check, with its place in both counts. */
export interface LoginAttemptTicket {
  email: string;
  address: string;
  attempt: number;
  accountAttempt: number;
}

/** The locks a failed attempt set (it was the last one allowed by one count or both). */
export interface LocksSet {
  address?: Date;
  account?: Date;
}

export class LockedOutError extends HttpException {
  constructor(
    readonly lockedUntil: Date,
    readonly scope: LockScope,
  ) {
    const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000));
    super(
      {
        code: ErrorCode.TooManyAttempts,
        message:
          scope === 'address'
            ? 'Too many failed sign-ins for this email from this address; try again later'
            : 'Too many failed sign-ins for this email; try again later',
        details: { retryAfterSeconds },
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * The column `login_attempts.client_address` holds: the client's limiting key, so an IPv6
 * client is counted by its /64 and cannot take a fresh address per guess.
 */
const lockoutKey = (client: ClientInfo) => (client.ip ? addressKey(client.ip) : '').slice(0, 64);

/**
 * Account lockout, counted per (email, client address): after LOGIN_MAX_FAILURES consecutive
 * failures from one address, that address is refused for that email for LOGIN_LOCKOUT_SECONDS,
 * even with the right password, while the owner elsewhere still signs in. Across all addresses,
 * LOGIN_MAX_FAILURES_PER_ACCOUNT attempts in one lockout window lock the email for everyone.
 *
 * Each attempt is counted in both in one atomic statement *before* the password is checked, so of
 * N parallel guesses at most the allowed number reach argon2; the rest are refused at once. An
 * attempt refused by its address's lock does not count for the account, so one address cannot
 * lock the owner out by hammering. Unknown emails are counted the same way, so a lockout does not
 * reveal whether an account exists. A success clears its address's count and takes its own
 * attempt off the account's. Counting and clearing commit without waiting for the disk
 * (`RELAXED_COMMIT`): a crash of the database may forget the last moments' counts, which costs an
 * attacker the crash; waiting cost every sign-in two WAL flushes. See ADR 0011.
 */
/**
 * Every statement here locks an email's `login_attempts` row before its `account_lockouts` row,
 * as `begin`'s upserts do (the account's depends on the address's result); two statements taking
 * them in opposite orders deadlock under concurrent sign-ins from one address. A data-modifying
 * CTE the main query does not read runs after it, so the account's writes test this count: an
 * uncorrelated subquery is a one-time filter, evaluated before any row is touched.
 */
const ADDRESS_ROW_FIRST = `address_done AS (SELECT count(*) AS rows FROM address)`;

@Injectable()
export class LoginLockout {
  constructor(
    private readonly dataSource: DataSource,
    private readonly statements: PreparedStatements,
    @Inject(securityConfig.KEY) private readonly config: ConfigType<typeof securityConfig>,
  ) {}

  /** Counts the attempt; throws `LockedOutError` when the address or the email is locked. */
  async begin(email: string, client: ClientInfo): Promise<LoginAttemptTicket> {
    const address = lockoutKey(client);
    // `account` counts only an attempt its address lets through (`pair` locked or over the limit
    // is refused anyway). Its upsert sees the latest row even when `account_locked` missed a lock
    // set a moment ago, so the answer below always knows of the account's lock.
    const [row] = await this.statements.query<{
      failures: number | null;
      locked_until: Date | null;
      account_failures: number | null;
      account_locked_until: Date | null;
    }>(
      'count_login_attempt',
      `WITH ${RELAXED_COMMIT},
       account_locked AS (
         SELECT locked_until FROM account_lockouts WHERE email = $1 AND locked_until > now()),
       pair AS (
         INSERT INTO login_attempts AS a (email, client_address, failures, updated_at)
         SELECT $1, $2, 1, now() FROM relaxed_commit WHERE NOT EXISTS (SELECT FROM account_locked)
         ON CONFLICT (email, client_address) DO UPDATE SET
           failures = CASE WHEN a.locked_until <= now()
                             OR a.updated_at < now() - make_interval(secs => $3)
                           THEN 1 ELSE a.failures + 1 END,
           locked_until = CASE WHEN a.locked_until <= now() THEN NULL ELSE a.locked_until END,
           updated_at = now()
         RETURNING failures, locked_until),
       account AS (
         INSERT INTO account_lockouts AS l (email, failures, window_started_at)
         SELECT $1, 1, now() FROM pair WHERE pair.locked_until IS NULL AND pair.failures <= $4
         ON CONFLICT (email) DO UPDATE SET
           failures = CASE WHEN l.locked_until <= now()
                             OR l.window_started_at < now() - make_interval(secs => $3)
                           THEN 1 ELSE l.failures + 1 END,
           window_started_at = CASE WHEN l.locked_until <= now()
                                      OR l.window_started_at < now() - make_interval(secs => $3)
                                    THEN now() ELSE l.window_started_at END,
           locked_until = CASE WHEN l.locked_until <= now() THEN NULL ELSE l.locked_until END
         RETURNING failures, locked_until)
       SELECT pair.failures, pair.locked_until, account.failures AS account_failures,
              COALESCE(account.locked_until, (SELECT locked_until FROM account_locked))
                AS account_locked_until
         FROM (SELECT) AS attempt LEFT JOIN pair ON true LEFT JOIN account ON true`,
      [email, address, this.config.loginLockoutSeconds, this.config.loginMaxFailures],
    );
    if (row.account_locked_until) {
      throw new LockedOutError(new Date(row.account_locked_until), 'account');
    }
    if (row.locked_until) throw new LockedOutError(new Date(row.locked_until), 'address');
    const ticket = {
      email,
      address,
      attempt: row.failures ?? 0,
      accountAttempt: row.account_failures ?? 0,
    };
    if (ticket.attempt > this.config.loginMaxFailures) {
      const { address: until } = await this.lock(ticket, { address: true });
      throw new LockedOutError(until!, 'address');
    }
    if (ticket.accountAttempt > this.config.loginMaxFailuresPerAccount) {
      const { account: until } = await this.lock(ticket, { account: true });
      throw new LockedOutError(until!, 'account');
    }
    return ticket;
  }

  /** A failed attempt: sets each lock it was the last attempt allowed for. */
  async failed(ticket: LoginAttemptTicket): Promise<LocksSet> {
    const address = ticket.attempt >= this.config.loginMaxFailures;
    const account = ticket.accountAttempt >= this.config.loginMaxFailuresPerAccount;
    return address || account ? this.lock(ticket, { address, account }) : {};
  }

  async succeeded(ticket: LoginAttemptTicket): Promise<void> {
    // The account row goes once nothing but this attempt is counted in it, as the address's does.
    // The address's row is written first (ADDRESS_ROW_FIRST), in the order `begin` locks them.
    await this.statements.query(
      'clear_login_attempts',
      `WITH ${RELAXED_COMMIT},
       address AS (
         DELETE FROM login_attempts
          WHERE email = $1 AND client_address = $2 AND EXISTS (SELECT FROM relaxed_commit)
         RETURNING 1),
       ${ADDRESS_ROW_FIRST},
       emptied AS (
         DELETE FROM account_lockouts
          WHERE email = $1 AND failures <= 1 AND locked_until IS NULL
            AND (SELECT rows FROM address_done) >= 0)
       UPDATE account_lockouts SET failures = failures - 1
        WHERE email = $1 AND failures > 1 AND (SELECT rows FROM address_done) >= 0`,
      [ticket.email, ticket.address],
    );
  }

  /** Forgets every count and lock of this email (a password reset proved the owner). */
  async clear(email: string): Promise<void> {
    await this.dataSource.query(
      `WITH address AS (DELETE FROM login_attempts WHERE email = $1 RETURNING 1),
       ${ADDRESS_ROW_FIRST}
       DELETE FROM account_lockouts WHERE email = $1 AND (SELECT rows FROM address_done) >= 0`,
      [email],
    );
  }

  /**
   * An attempt that never reached a verdict (the server was too busy to check it): given back to
   * both counts, so that load does not lock anyone out.
   */
  async released(ticket: LoginAttemptTicket): Promise<void> {
    await this.dataSource.query(
      `WITH address AS (
         UPDATE login_attempts SET failures = failures - 1
          WHERE email = $1 AND client_address = $2 AND failures > 0 AND locked_until IS NULL
         RETURNING 1),
       ${ADDRESS_ROW_FIRST}
       UPDATE account_lockouts SET failures = failures - 1
        WHERE email = $1 AND failures > 0 AND locked_until IS NULL
          AND (SELECT rows FROM address_done) >= 0`,
      [ticket.email, ticket.address],
    );
  }

  /**
   * Sets the locks asked for (a lock in force stays as it is) and returns them. Upserts: a
   * success racing this failure may have just deleted the row, and the failure still counts.
   */
  private async lock(
    ticket: LoginAttemptTicket,
    which: { address?: boolean; account?: boolean },
  ): Promise<LocksSet> {
    const [row] = await this.dataSource.query<{ address: Date | null; account: Date | null }[]>(
      `WITH address AS (
         INSERT INTO login_attempts AS a (email, client_address, failures, locked_until, updated_at)
         SELECT $1, $2, $4::int, now() + make_interval(secs => $3), now() WHERE $5::boolean
         ON CONFLICT (email, client_address) DO UPDATE SET
           locked_until = CASE WHEN a.locked_until > now() THEN a.locked_until
                               ELSE EXCLUDED.locked_until END
         RETURNING locked_until),
       account AS (
         INSERT INTO account_lockouts AS l (email, failures, window_started_at, locked_until)
         SELECT $1, $6::int, now(), now() + make_interval(secs => $3) WHERE $7::boolean
         ON CONFLICT (email) DO UPDATE SET
           locked_until = CASE WHEN l.locked_until > now() THEN l.locked_until
                               ELSE EXCLUDED.locked_until END
         RETURNING locked_until)
       SELECT (SELECT locked_until FROM address) AS address,
              (SELECT locked_until FROM account) AS account`,
      [
        ticket.email,
        ticket.address,
        this.config.loginLockoutSeconds,
        ticket.attempt,
        which.address === true,
        ticket.accountAttempt,
        which.account === true,
      ],
    );
    return {
      address: row.address ? new Date(row.address) : undefined,
      account: row.account ? new Date(row.account) : undefined,
    };
  }
}
