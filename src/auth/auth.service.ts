import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ClientInfo } from '../common/client-info.js';
import type { AuthenticationContext } from '../tokens/access-token-claims.js';
import { AccessTokenService } from '../tokens/access-token.service.js';
import { SessionRevocations } from '../tokens/session-revocations.js';
import { SessionsService } from '../tokens/sessions.service.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import { accountEmailConfig } from '../config/mail.config.js';
import { UserEmailService } from '../users/user-email.service.js';
import type { ChangePasswordDto } from '../users/dto/change-password.dto.js';
import type { Role } from '../users/role.js';
import { ServerBusyError } from '../users/server-busy.error.js';
import { UsersService } from '../users/users.service.js';
import { AuthEvent, type LoginEventPayload } from './auth-events.js';
import type { AuthUser } from './auth-user.js';
import type { TokenResponseDto } from './dto/token-response.dto.js';
import { emailNotVerified } from './email-not-verified.js';
import { invalidCredentials } from './invalid-credentials.js';
import {
  LockedOutError,
  LoginLockout,
  type LocksSet,
  type LoginAttemptTicket,
} from './login-lockout.service.js';
import { SignInCredentials } from './sign-in-credentials.js';
import type { SignInUser } from './sign-in-user.js';

const isWrongCurrentPassword = (error: unknown) =>
  error instanceof ForbiddenException &&
  (error.getResponse() as { code?: unknown }).code === ErrorCode.InvalidCurrentPassword;

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly sessions: SessionsService,
    private readonly revocations: SessionRevocations,
    private readonly lockout: LoginLockout,
    private readonly events: EventEmitter2,
    private readonly userEmails: UserEmailService,
    private readonly credentials: SignInCredentials,
    @Inject(accountEmailConfig.KEY)
    private readonly emailConfig: ConfigType<typeof accountEmailConfig>,
  ) {}

  /**
   * The account these credentials sign in to, or null (LocalStrategy's check). Unknown email,
   * wrong password and disabled account are one indistinguishable answer. The attempt is counted
   * before the password is checked (see `LoginLockout`), which throws `LockedOutError` (429).
   */
  async checkCredentials(
    email: string,
    password: string,
    client: ClientInfo,
  ): Promise<SignInUser | null> {
    const ticket = await this.beginAttempt(email, client);
    const user = await this.unlessBusy(ticket, this.credentials.verify(email, password));
    if (!user) {
      const locks = await this.lockout.failed(ticket);
      this.emit(AuthEvent.LoginFailed, { email, client });
      this.emitLocks(email, client, locks);
      return null;
    }
    // With a second factor the password alone proves nothing yet: its attempt is given back, but
    // the count is not cleared, so wrong codes after right passwords still reach the lockout.
    if (user.secondFactors.length > 0) await this.lockout.released(ticket);
    else await this.lockout.succeeded(ticket);
    const { emailVerifiedAt, ...signedIn } = user;
    if (this.emailConfig.requireVerifiedEmail && emailVerifiedAt === null) {
      throw emailNotVerified();
    }
    return { ...signedIn, email };
  }

  /**
   * A check of something secret the user typed (a TOTP or recovery code), counted against the
   * sign-in lockout of `email` first like a password: a wrong one is a failed attempt, a right
   * one clears the address's count. Throws `LockedOutError` (429) when locked.
   */
  async countedAttempt(
    email: string,
    client: ClientInfo,
    check: () => Promise<boolean>,
  ): Promise<boolean> {
    const ticket = await this.beginAttempt(email, client);
    const passed = await this.unlessBusy(ticket, check());
    if (!passed) {
      this.emitLocks(email, client, await this.lockout.failed(ticket));
      return false;
    }
    await this.lockout.succeeded(ticket);
    return true;
  }

  /**
   * The caller's current password, checked as a sign-in attempt (counted against the lockout
   * first, as `changePassword`): 403 `invalid_current_password` when wrong. Returns their email.
   */
  async confirmCurrentPassword(
    user: AuthUser,
    password: string,
    client: ClientInfo,
  ): Promise<string> {
    const { email } = await this.users.findProfile(user.userId);
    const ticket = await this.beginAttempt(email, client);
    const matches = await this.unlessBusy(
      ticket,
      this.userEmails.passwordMatches(user.userId, password),
    );
    if (!matches) {
      this.emitLocks(email, client, await this.lockout.failed(ticket));
      throw new ForbiddenException({
        code: ErrorCode.InvalidCurrentPassword,
        message: 'The current password is wrong',
      });
    }
    await this.lockout.succeeded(ticket);
    return email;
  }

  /**
   * `POST /users/me/password`: a wrong current password is a failed attempt like a wrong
   * sign-in, counted first against the same lockout, so a stolen access token cannot guess on.
   */
  async changePassword(user: AuthUser, dto: ChangePasswordDto, client: ClientInfo): Promise<void> {
    const { email } = await this.users.findProfile(user.userId);
    const ticket = await this.beginAttempt(email, client);
    const options = { keepSessionId: user.sessionId, client };
    try {
      await this.unlessBusy(ticket, this.users.changePassword(user.userId, dto, options));
    } catch (error) {
      if (isWrongCurrentPassword(error)) {
        this.emitLocks(email, client, await this.lockout.failed(ticket));
      }
      throw error;
    }
    await this.lockout.succeeded(ticket);
  }

  /**
   * Opens a session for a user a sign-in strategy has authenticated, and issues its tokens.
   * 401 `invalid_credentials` when the account changed since the strategy checked it (a password
   * change, a disable or a role change raced the sign-in): those credentials are no longer good.
   */
  async signIn(user: SignInUser, client: ClientInfo): Promise<TokenResponseDto> {
    const session = await this.sessions.open(user.id, user.sessionsValidAfter, client, user.amr);
    if (!session) {
      this.emit(AuthEvent.LoginFailed, { email: user.email, client });
      throw invalidCredentials();
    }
    this.emit(AuthEvent.LoginSucceeded, {
      email: user.email,
      userId: user.id,
      sessionId: session.sessionId,
      client,
    });
    return this.tokens(user, session, { amr: user.amr, authTime: session.authTime });
  }

  /** Rotates the refresh token; the new access token carries the user's current roles. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenResponseDto> {
    // Only sessions opened on a proven address live on (one query, only with the setting on).
    if (
      this.emailConfig.requireVerifiedEmail &&
      (await this.sessions.openedUnverified(refreshToken))
    ) {
      throw emailNotVerified();
    }
    const session = await this.sessions.rotate(refreshToken, client);
    return this.tokens({ id: session.userId, roles: session.roles }, session, session);
  }

  async logout(user: AuthUser, client: ClientInfo): Promise<void> {
    await this.revocations.revokeOwn(user.userId, user.sessionId, 'logout', {
      actorId: user.userId,
      client,
    });
  }

  async logoutAll(user: AuthUser, client: ClientInfo): Promise<void> {
    await this.revocations.revokeAllOfUser(user.userId, 'logout_all', {
      actorId: user.userId,
      client,
    });
  }

  private tokens(
    user: { id: string; roles: Role[] },
    session: { sessionId: string; refreshToken: string; refreshExpiresAt: Date },
    authentication: AuthenticationContext,
  ): TokenResponseDto {
    const access = this.accessTokens.issue(user, session.sessionId, authentication);
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken: session.refreshToken,
      refreshExpiresAt: session.refreshExpiresAt,
    };
  }

  /** Counts the attempt; an attempt refused by a lock is recorded as such. */
  private beginAttempt(email: string, client: ClientInfo): Promise<LoginAttemptTicket> {
    return this.lockout.begin(email, client).catch((error: unknown) => {
      if (error instanceof LockedOutError) {
        this.emit(AuthEvent.LoginRefusedLocked, { email, client, lockedUntil: error.lockedUntil });
      }
      throw error;
    });
  }

  /** A check refused because argon2's queue is full was no attempt: its count is given back. */
  private async unlessBusy<T>(ticket: LoginAttemptTicket, check: Promise<T>): Promise<T> {
    try {
      return await check;
    } catch (error) {
      if (error instanceof ServerBusyError) await this.lockout.released(ticket);
      throw error;
    }
  }

  private emitLocks(email: string, client: ClientInfo, locks: LocksSet): void {
    if (locks.address)
      this.emit(AuthEvent.LockedOut, { email, client, lockedUntil: locks.address });
    if (locks.account) {
      this.emit(AuthEvent.AccountLockedOut, { email, client, lockedUntil: locks.account });
    }
  }

  /** Fire and forget: counting and auditing must never slow down or fail a sign-in. */
  private emit(event: string, payload: LoginEventPayload): void {
    this.events.emit(event, payload);
  }
}
