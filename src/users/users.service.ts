import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import type { PaginationQueryDto } from '../common/dto/pagination-query.dto.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import type { AdminUpdateUserDto } from './dto/admin-update-user.dto.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import { normalizeEmail } from './dto/email.decorator.js';
import { PasswordHasher } from './password-hasher.service.js';
import { nextSecurityStamp } from './security-stamp.js';
import type { Role } from './role.js';
import { UserEvent, type UserEventPayload } from './user-events.js';
import { User, type UserProfile } from './user.entity.js';

/** An account as a provider sign-in decides about it (`FederatedAccounts`). */
export interface ProviderAccount {
  id: string;
  email: string;
  roles: Role[];
  emailVerified: boolean;
  disabled: boolean;
  hasPassword: boolean;
  sessionsValidAfter: Date;
}

const PROVIDER_ACCOUNT_COLUMNS = `id, email, roles, email_verified_at IS NOT NULL AS "emailVerified",
  disabled_at IS NOT NULL AS disabled, password_hash IS NOT NULL AS "hasPassword",
  sessions_valid_after AS "sessionsValidAfter"`;

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly events: EventEmitter2,
    private readonly statements: PreparedStatements,
  ) {}

  async findById(id: string): Promise<User> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw this.notFound();
    return user;
  }

  /**
   * What the API shows of the user, in one raw query for the columns it needs: `GET /users/me`
   * is a hot path, and building the query and the entity was most of its CPU (issue 7).
   */
  async findProfile(id: string): Promise<UserProfile> {
    const [profile] = await this.statements.query<UserProfile>(
      'find_user_profile',
      `SELECT id, email, display_name AS "displayName", roles, disabled_at AS "disabledAt",
              email_verified_at AS "emailVerifiedAt", created_at AS "createdAt"
         FROM users WHERE id = $1`,
      [id],
    );
    if (!profile) throw this.notFound();
    return profile;
  }

  async list(page: PaginationQueryDto): Promise<{ items: User[]; total: number }> {
    const [items, total] = await this.users.findAndCount({
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: page.offset,
      take: page.limit,
    });
    return { items, total };
  }

  async updateProfile(id: string, changes: { displayName?: string }): Promise<User> {
    const user = await this.findById(id);
    if (changes.displayName !== undefined) user.displayName = changes.displayName;
    return this.users.save(user);
  }

  /** Other sessions are signed out; `keepSessionId`, the one making the change, stays. */
  async changePassword(
    id: string,
    { currentPassword, newPassword }: ChangePasswordDto,
    { keepSessionId, client }: { keepSessionId?: string; client?: ClientInfo } = {},
  ): Promise<void> {
    const user = await this.findById(id);
    if (!(await this.hasher.verify(user.passwordHash, currentPassword))) {
      // 403, not 401: a client treats 401 as "refresh the access token and retry".
      throw new ForbiddenException({
        code: ErrorCode.InvalidCurrentPassword,
        message: 'The current password is wrong',
      });
    }
    user.passwordHash = await this.hasher.hash(newPassword);
    user.passwordChangedAt = new Date();
    // Sessions opened on the old password die with it, and sign-ins that verified the old
    // password but have not opened their session yet find the stamp moved and open none.
    user.sessionsValidAfter = nextSecurityStamp(user.sessionsValidAfter);
    if (keepSessionId) {
      await this.emit(UserEvent.PasswordChanging, {
        userId: id,
        actorId: id,
        keepSessionId,
        sessionsValidAfter: user.sessionsValidAfter,
      });
    }
    await this.users.save(user);
    await this.emit(UserEvent.PasswordChanged, { userId: id, actorId: id, client, keepSessionId });
  }

  async adminUpdate(
    actorId: string,
    id: string,
    changes: AdminUpdateUserDto,
    client?: ClientInfo,
  ): Promise<User> {
    const removesAdmin =
      changes.disabled === true ||
      (changes.roles !== undefined && !changes.roles.includes('admin'));
    if (actorId === id && removesAdmin) throw this.selfLockout();
    const { saved, previousRoles, rolesChanged, disabling } = await this.users.manager.transaction(
      async (manager) => {
        if (removesAdmin) await this.keepAnAdministrator(manager, id);
        const user = await this.lockForChange(manager, id);
        if (!user) throw this.notFound();
        const previousRoles = [...user.roles];
        const rolesChanged =
          changes.roles !== undefined &&
          [...changes.roles].sort().join() !== [...user.roles].sort().join();
        const disabling = changes.disabled === true && user.disabledAt === null;
        if (changes.roles !== undefined) user.roles = changes.roles;
        if (changes.displayName !== undefined) user.displayName = changes.displayName;
        if (changes.disabled !== undefined) {
          user.disabledAt = changes.disabled ? (user.disabledAt ?? new Date()) : null;
        }
        // A sign-in verified before this change must not open a session with the old rights.
        if (disabling || rolesChanged) {
          user.sessionsValidAfter = nextSecurityStamp(user.sessionsValidAfter);
        }
        return { saved: await manager.save(user), previousRoles, rolesChanged, disabling };
      },
    );
    // Tokens carry the roles and sessions outlive a disabled account: sign the user out.
    if (disabling) await this.emit(UserEvent.Disabled, { userId: id, actorId, client });
    if (rolesChanged) {
      await this.emit(UserEvent.RolesChanged, {
        userId: id,
        actorId,
        client,
        details: { from: previousRoles, to: saved.roles },
      });
    }
    return saved;
  }

  /** The user's sessions are revoked in the same transaction as the delete. */
  async remove(actorId: string, id: string, client?: ClientInfo): Promise<void> {
    if (actorId === id) throw this.selfLockout();
    await this.users.manager.transaction(async (manager) => {
      await this.keepAnAdministrator(manager, id);
      const user = await this.lockForChange(manager, id);
      if (!user) throw this.notFound();
      await this.emit(UserEvent.Deleting, { userId: id, actorId, client, manager });
      await manager.remove(user);
    });
  }

  /** Creates the account with these roles unless the email exists; safe to race. */
  async createIfAbsent(email: string, password: string, roles: Role[]): Promise<boolean> {
    const result = await this.users
      .createQueryBuilder()
      .insert()
      .values({
        email: normalizeEmail(email),
        passwordHash: await this.hasher.hash(password),
        roles,
      })
      .orIgnore()
      .execute();
    // RETURNING yields a row only when the insert happened.
    return (result.raw as unknown[]).length > 0;
  }

  /**
   * The account by id or email for a provider sign-in, row-locked until `manager`'s transaction
   * ends (an unlink counting the ways in, or a disable, waits for it).
   */
  async findForProvider(
    manager: EntityManager,
    where: { id: string } | { email: string },
  ): Promise<ProviderAccount | null> {
    const [column, value] =
      'id' in where ? ['id', where.id] : ['email', normalizeEmail(where.email)];
    const [account] = await manager.query<ProviderAccount[]>(
      `SELECT ${PROVIDER_ACCOUNT_COLUMNS} FROM users WHERE ${column} = $1 FOR UPDATE`,
      [value],
    );
    return account ?? null;
  }

  /**
   * A new account without a password for a provider's new identity; null when the email is
   * taken (also by a registration racing this one).
   */
  async createFromProvider(
    manager: EntityManager,
    {
      email,
      emailVerified,
      displayName,
    }: { email: string; emailVerified: boolean; displayName: string | null },
  ): Promise<ProviderAccount | null> {
    const [account] = await manager.query<ProviderAccount[]>(
      `INSERT INTO users (email, password_hash, display_name, email_verified_at)
       VALUES ($1, NULL, $2, CASE WHEN $3::boolean THEN now() END)
       ON CONFLICT DO NOTHING
       RETURNING ${PROVIDER_ACCOUNT_COLUMNS}`,
      [normalizeEmail(email), displayName, emailVerified],
    );
    return account ?? null;
  }

  /** Awaited, so the listeners (session revocation) finish before the response leaves. */
  private async emit(event: string, payload: UserEventPayload): Promise<void> {
    await this.events.emitAsync(event, payload);
  }

  private notFound(): NotFoundException {
    return new NotFoundException({ code: ErrorCode.NotFound, message: 'User not found' });
  }

  /**
   * The user's row, locked until the change commits: a sign-in opening a session for this user
   * (which share-locks the row) either finished before, so the change sees and revokes its
   * session, or waits and then finds the account changed.
   */
  private async lockForChange(manager: EntityManager, id: string): Promise<User | null> {
    return manager.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Refuses (409 `last_admin`) a change that would leave no active administrator when `id` is
   * one. Locks every active administrator's row first, so of two administrators demoting,
   * disabling or deleting each other at the same moment, the second waits for the first and
   * then sees one administrator left: its own target.
   */
  private async keepAnAdministrator(manager: EntityManager, id: string): Promise<void> {
    const admins: { id: string }[] = await manager.query(
      `SELECT id FROM users WHERE 'admin' = ANY(roles) AND disabled_at IS NULL
        ORDER BY id FOR UPDATE`,
    );
    if (admins.some((admin) => admin.id === id) && admins.length === 1) {
      throw new ConflictException({
        code: ErrorCode.LastAdmin,
        message: 'The last active administrator cannot be demoted, disabled or deleted',
      });
    }
  }

  private selfLockout(): ConflictException {
    return new ConflictException({
      code: ErrorCode.SelfLockout,
      message: 'Administrators cannot disable, delete or demote themselves',
    });
  }
}
