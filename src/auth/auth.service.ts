import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ClientInfo } from '../common/client-info.js';
import { AccessTokenService } from '../tokens/access-token.service.js';
import { SessionsService } from '../tokens/sessions.service.js';
import type { Role } from '../users/role.js';
import { UsersService } from '../users/users.service.js';
import { AuthEvent, type LoginEventPayload } from './auth-events.js';
import type { AuthUser } from './auth-user.js';
import type { TokenResponseDto } from './dto/token-response.dto.js';
import { invalidCredentials } from './invalid-credentials.js';
import { LockedOutError, LoginLockout } from './login-lockout.service.js';
import type { SignInUser } from './sign-in-user.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly sessions: SessionsService,
    private readonly lockout: LoginLockout,
    private readonly events: EventEmitter2,
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
    const ticket = await this.lockout.begin(email).catch((error: unknown) => {
      if (error instanceof LockedOutError) {
        this.emit(AuthEvent.LoginRefusedLocked, { email, client, lockedUntil: error.lockedUntil });
      }
      throw error;
    });
    const user = await this.users.authenticate(email, password);
    if (!user) {
      const lockedUntil = await this.lockout.failed(ticket);
      this.emit(AuthEvent.LoginFailed, { email, client });
      if (lockedUntil) this.emit(AuthEvent.LockedOut, { email, client, lockedUntil });
      return null;
    }
    await this.lockout.succeeded(ticket);
    return { ...user, email };
  }

  /**
   * Opens a session for a user a sign-in strategy has authenticated, and issues its tokens.
   * 401 `invalid_credentials` when the account changed since the strategy checked it (a password
   * change, a disable or a role change raced the sign-in): those credentials are no longer good.
   */
  async signIn(user: SignInUser, client: ClientInfo): Promise<TokenResponseDto> {
    const session = await this.sessions.open(user.id, user.sessionsValidAfter, client);
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
    return this.tokens(user, session);
  }

  /** Rotates the refresh token; the new access token carries the user's current roles. */
  async refresh(refreshToken: string, client: ClientInfo): Promise<TokenResponseDto> {
    const session = await this.sessions.rotate(refreshToken, client);
    return this.tokens({ id: session.userId, roles: session.roles }, session);
  }

  async logout(user: AuthUser, client: ClientInfo): Promise<void> {
    await this.sessions.revokeOwn(user.userId, user.sessionId, 'logout', {
      actorId: user.userId,
      client,
    });
  }

  async logoutAll(user: AuthUser, client: ClientInfo): Promise<void> {
    await this.sessions.revokeAllOfUser(user.userId, 'logout_all', {
      actorId: user.userId,
      client,
    });
  }

  private tokens(
    user: { id: string; roles: Role[] },
    session: { sessionId: string; refreshToken: string; refreshExpiresAt: Date },
  ): TokenResponseDto {
    const access = this.accessTokens.issue(user, session.sessionId);
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken: session.refreshToken,
      refreshExpiresAt: session.refreshExpiresAt,
    };
  }

  /** Fire and forget: counting and auditing must never slow down or fail a sign-in. */
  private emit(event: string, payload: LoginEventPayload): void {
    this.events.emit(event, payload);
  }
}
