import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import type { PaginationQueryDto } from '../common/dto/pagination-query.dto.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import type { AdminUpdateUserDto } from './dto/admin-update-user.dto.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import { normalizeEmail } from './dto/email.decorator.js';
import type { RegisterUserDto } from './dto/register-user.dto.js';
import { PasswordHasher } from './password-hasher.service.js';
import type { Role } from './role.js';
import { UserEvent, type UserEventPayload } from './user-events.js';
import { User, type UserProfile } from './user.entity.js';

const isUniqueViolation = (error: unknown) =>
  error instanceof QueryFailedError && (error.driverError as { code?: string })?.code === '23505';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly events: EventEmitter2,
    private readonly statements: PreparedStatements,
  ) {}

  async register(dto: RegisterUserDto, roles: Role[] = ['user']): Promise<User> {
    const user = this.users.create({
      email: normalizeEmail(dto.email),
      passwordHash: await this.hasher.hash(dto.password),
      displayName: dto.displayName ?? null,
      roles,
    });
    try {
      return await this.users.save(user);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictException({
          code: ErrorCode.EmailTaken,
          message: 'An account with this email already exists',
        });
      }
      throw error;
    }
  }

  /**
   * The active user with these credentials, or null. Unknown, disabled and wrong-password cases
   * all cost one argon2 verification, so response time does not reveal which accounts exist.
   */
  async authenticate(email: string, password: string): Promise<Pick<User, 'id' | 'roles'> | null> {
    // Raw, for the four columns it needs: sign-in CPU is what the argon2 threads run short of.
    const [user] = await this.statements.query<
      Pick<User, 'id' | 'roles' | 'passwordHash' | 'disabledAt'>
    >(
      'find_credentials',
      `SELECT id, roles, password_hash AS "passwordHash", disabled_at AS "disabledAt"
         FROM users WHERE email = $1`,
      [normalizeEmail(email)],
    );
    const matches = await this.hasher.verify(user?.passwordHash ?? null, password);
    return matches && user && user.disabledAt === null ? { id: user.id, roles: user.roles } : null;
  }

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
              created_at AS "createdAt"
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
    await this.users.save(user);
    await this.emit(UserEvent.PasswordChanged, { userId: id, actorId: id, client, keepSessionId });
  }

  async adminUpdate(
    actorId: string,
    id: string,
    changes: AdminUpdateUserDto,
    client?: ClientInfo,
  ): Promise<User> {
    const user = await this.findById(id);
    if (
      actorId === id &&
      (changes.disabled === true || (changes.roles && !changes.roles.includes('admin')))
    ) {
      throw this.selfLockout();
    }
    const rolesChanged =
      changes.roles !== undefined &&
      [...changes.roles].sort().join() !== [...user.roles].sort().join();
    const disabling = changes.disabled === true && user.disabledAt === null;
    const previousRoles = [...user.roles];
    if (changes.roles !== undefined) user.roles = changes.roles;
    if (changes.displayName !== undefined) user.displayName = changes.displayName;
    if (changes.disabled !== undefined) {
      user.disabledAt = changes.disabled ? (user.disabledAt ?? new Date()) : null;
    }
    const saved = await this.users.save(user);
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

  async remove(actorId: string, id: string, client?: ClientInfo): Promise<void> {
    if (actorId === id) throw this.selfLockout();
    const user = await this.findById(id);
    await this.emit(UserEvent.Deleting, { userId: id, actorId, client });
    await this.users.remove(user);
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

  /** Awaited, so the listeners (session revocation) finish before the response leaves. */
  private async emit(event: string, payload: UserEventPayload): Promise<void> {
    await this.events.emitAsync(event, payload);
  }

  private notFound(): NotFoundException {
    return new NotFoundException({ code: ErrorCode.NotFound, message: 'User not found' });
  }

  private selfLockout(): ConflictException {
    return new ConflictException({
      code: ErrorCode.SelfLockout,
      message: 'Administrators cannot disable, delete or demote themselves',
    });
  }
}
