import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository, type EntityManager } from 'typeorm';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import { normalizeEmail } from './dto/email.decorator.js';
import { PasswordHasher } from './password-hasher.service.js';
import { UserEvent } from './user-events.js';
import { User } from './user.entity.js';

const isUniqueViolation = (error: unknown) =>
  error instanceof QueryFailedError && (error.driverError as { code?: string })?.code === '23505';

export interface AccountAddress {
  id: string;
  email: string;
  emailVerified: boolean;
}

/**
 * What the email flows (issue 13) change in an account: its address, whether it is proven, a
 * password set through a mailed link. Writes take the caller's transaction (`manager`), so they
 * commit with the link token's consumption and the mail they cause; argon2 runs before it.
 */
@Injectable()
export class UserEmailService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly events: EventEmitter2,
  ) {}

  /** argon2id, before any transaction opens (it takes a core for tens of milliseconds). */
  hashPassword(password: string): Promise<string> {
    return this.hasher.hash(password);
  }

  /** Whether `password` is the user's; one argon2 verification either way. */
  async passwordMatches(userId: string, password: string): Promise<boolean> {
    const user = await this.users.findOne({
      where: { id: userId },
      select: { id: true, passwordHash: true },
    });
    return this.hasher.verify(user?.passwordHash ?? null, password);
  }

  /** Inserts the account unless the address is taken (then null); safe to race. */
  async insert(
    manager: EntityManager,
    account: { email: string; passwordHash: string; displayName?: string },
  ): Promise<AccountAddress | null> {
    const [row] = await manager.query<{ id: string; email: string }[]>(
      `INSERT INTO users (email, password_hash, display_name) VALUES ($1, $2, $3)
       ON CONFLICT (email) DO NOTHING RETURNING id, email`,
      [normalizeEmail(account.email), account.passwordHash, account.displayName ?? null],
    );
    return row ? { ...row, emailVerified: false } : null;
  }

  /** The active account with this address, or null (disabled accounts get no mail). */
  async findActiveByEmail(email: string): Promise<AccountAddress | null> {
    const [row] = await this.users.query<{ id: string; email: string; verified: boolean }[]>(
      `SELECT id, email, email_verified_at IS NOT NULL AS verified
         FROM users WHERE email = $1 AND disabled_at IS NULL`,
      [normalizeEmail(email)],
    );
    return row ? { id: row.id, email: row.email, emailVerified: row.verified } : null;
  }

  async findAddress(userId: string): Promise<AccountAddress> {
    const [row] = await this.users.query<{ id: string; email: string; verified: boolean }[]>(
      `SELECT id, email, email_verified_at IS NOT NULL AS verified FROM users WHERE id = $1`,
      [userId],
    );
    if (!row) throw new NotFoundException({ code: ErrorCode.NotFound, message: 'User not found' });
    return { id: row.id, email: row.email, emailVerified: row.verified };
  }

  /** Marks the address proven (the first proof's time stays). */
  async markVerified(manager: EntityManager, userId: string): Promise<void> {
    await manager.query(
      `UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()), updated_at = now()
        WHERE id = $1`,
      [userId],
    );
  }

  /** An administrator vouches for the address (audited). */
  async verifyByAdmin(actorId: string, userId: string, client?: ClientInfo): Promise<void> {
    await this.users.manager.transaction((manager) => this.markVerifiedOrNotFound(manager, userId));
    this.events.emit(UserEvent.EmailVerified, {
      userId,
      actorId,
      client,
      details: { by: 'admin' },
    });
  }

  /** The owner proved the address through the link (audited). */
  verifiedByLink(userId: string, client?: ClientInfo): void {
    this.events.emit(UserEvent.EmailVerified, { userId, actorId: userId, client });
  }

  /**
   * Sets the password from a reset link: the security stamp moves forward (sessions and sign-ins
   * under the old password end, ADR 0010) and the address counts as proven (the mail reached it).
   * Every session is revoked in this transaction.
   */
  async resetPassword(
    manager: EntityManager,
    userId: string,
    passwordHash: string,
    client?: ClientInfo,
  ): Promise<void> {
    // A pending email change dies with the old password: whoever asked for it may be the thief.
    await manager.query(
      `DELETE FROM email_tokens WHERE user_id = $1 AND purpose = 'email_change' AND used_at IS NULL`,
      [userId],
    );
    await manager.query(
      `UPDATE users SET password_hash = $2, password_changed_at = now(),
              sessions_valid_after = GREATEST(now(), sessions_valid_after + interval '1 millisecond'),
              email_verified_at = COALESCE(email_verified_at, now()), updated_at = now()
        WHERE id = $1`,
      [userId, passwordHash],
    );
    await this.events.emitAsync(UserEvent.PasswordReset, {
      userId,
      actorId: userId,
      client,
      manager,
    });
  }

  /**
   * Moves the account to a confirmed new address: 409 `email_taken` when another account has it
   * (also when it took it a moment ago: the unique index decides). Sessions but `keepSessionId`
   * (the one that asked) are revoked in this transaction.
   */
  async changeEmail(
    manager: EntityManager,
    userId: string,
    newEmail: string,
    { keepSessionId, client }: { keepSessionId?: string; client?: ClientInfo } = {},
  ): Promise<void> {
    let previous: string | undefined;
    try {
      const [row] = await manager.query<{ previous: string }[]>(
        `WITH old AS MATERIALIZED (SELECT email AS previous FROM users WHERE id = $1 FOR UPDATE),
         changed AS (
           UPDATE users u SET email = $2,
                  email_verified_at = COALESCE(u.email_verified_at, now()), updated_at = now()
             FROM old WHERE u.id = $1 RETURNING old.previous)
         SELECT previous FROM changed`,
        [userId, newEmail],
      );
      previous = row?.previous;
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
    await this.events.emitAsync(UserEvent.EmailChanged, {
      userId,
      actorId: userId,
      client,
      keepSessionId,
      manager,
      details: { from: previous, to: newEmail },
    });
  }

  /** Whether another account has this address. */
  async isTaken(email: string): Promise<boolean> {
    const rows: unknown[] = await this.users.query('SELECT 1 FROM users WHERE email = $1', [
      normalizeEmail(email),
    ]);
    return rows.length > 0;
  }

  private async markVerifiedOrNotFound(manager: EntityManager, userId: string): Promise<void> {
    const rows: unknown[] = await manager.query(
      `WITH verified AS (
         UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()),
                updated_at = now()
          WHERE id = $1 RETURNING id)
       SELECT id FROM verified`,
      [userId],
    );
    if (rows.length === 0) {
      throw new NotFoundException({ code: ErrorCode.NotFound, message: 'User not found' });
    }
  }
}

export const emailTaken = () =>
  new ConflictException({
    code: ErrorCode.EmailTaken,
    message: 'An account with this email already exists',
  });
