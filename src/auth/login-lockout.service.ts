import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { ErrorCode } from '../common/errors/error-codes.js';
import { securityConfig } from '../config/security.config.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { RELAXED_COMMIT } from '../database/relaxed-commit.js';

/** An attempt that may go on to the password check, with its place in the count. */
export interface LoginAttemptTicket {
  email: string;
  attempt: number;
}

export class LockedOutError extends HttpException {
  constructor(readonly lockedUntil: Date) {
    const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil.getTime() - Date.now()) / 1000));
    super(
      {
        code: ErrorCode.TooManyAttempts,
        message: 'Too many failed sign-ins for this email; try again later',
        details: { retryAfterSeconds },
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/**
 * Account lockout: after LOGIN_MAX_FAILURES consecutive failures for one email, attempts are
 * refused for LOGIN_LOCKOUT_SECONDS, even with the right password. Each attempt is counted in one
 * atomic statement *before* the password is checked, so of N parallel guesses at most the
 * allowed number reach argon2; the rest are refused at once. Unknown emails are counted the same
 * way, so a lockout does not reveal whether an account exists. A success clears the count; a
 * count older than the lockout window starts over. Counting and clearing commit without waiting
 * for the disk (`RELAXED_COMMIT`): a crash of the database may forget the last moments' counts,
 * which costs an attacker the crash; waiting cost every sign-in two WAL flushes.
 */
@Injectable()
export class LoginLockout {
  constructor(
    private readonly dataSource: DataSource,
    private readonly statements: PreparedStatements,
    @Inject(securityConfig.KEY) private readonly config: ConfigType<typeof securityConfig>,
  ) {}

  /** Counts the attempt; throws `LockedOutError` when the email is (or just became) locked. */
  async begin(email: string): Promise<LoginAttemptTicket> {
    const [row] = await this.statements.query<{ failures: number; locked_until: Date | null }>(
      'count_login_attempt',
      `WITH ${RELAXED_COMMIT}
       INSERT INTO login_attempts AS a (email, failures, updated_at)
       SELECT $1, 1, now() FROM relaxed_commit
       ON CONFLICT (email) DO UPDATE SET
         failures = CASE WHEN a.locked_until <= now()
                           OR a.updated_at < now() - make_interval(secs => $2)
                         THEN 1 ELSE a.failures + 1 END,
         locked_until = CASE WHEN a.locked_until <= now() THEN NULL ELSE a.locked_until END,
         updated_at = now()
       RETURNING failures, locked_until`,
      [email, this.config.loginLockoutSeconds],
    );
    if (row.locked_until) throw new LockedOutError(new Date(row.locked_until));
    if (row.failures > this.config.loginMaxFailures)
      throw new LockedOutError(await this.lock(email));
    return { email, attempt: row.failures };
  }

  /** A failed attempt: locks the email when it was the last one allowed. Returns the lock end. */
  async failed(ticket: LoginAttemptTicket): Promise<Date | undefined> {
    return ticket.attempt >= this.config.loginMaxFailures ? this.lock(ticket.email) : undefined;
  }

  async succeeded(ticket: LoginAttemptTicket): Promise<void> {
    await this.statements.query(
      'clear_login_attempts',
      `WITH ${RELAXED_COMMIT}
       DELETE FROM login_attempts WHERE email = $1 AND EXISTS (SELECT FROM relaxed_commit)`,
      [ticket.email],
    );
  }

  private async lock(email: string): Promise<Date> {
    const [row] = await this.dataSource.query(
      `WITH locked AS (
         UPDATE login_attempts
            SET locked_until = COALESCE(locked_until, now() + make_interval(secs => $2))
          WHERE email = $1
          RETURNING locked_until)
       SELECT locked_until FROM locked`,
      [email, this.config.loginLockoutSeconds],
    );
    return new Date(row.locked_until);
  }
}
