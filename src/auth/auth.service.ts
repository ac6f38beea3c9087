import { Injectable, UnauthorizedException } from '@nestjs/common';
import { ErrorCode } from '../common/errors/error-codes.js';
import { AccessTokenService } from '../tokens/access-token.service.js';
import { SessionsService, type ClientInfo } from '../tokens/sessions.service.js';
import type { Role } from '../users/role.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import type { LoginDto } from './dto/login.dto.js';
import type { TokenResponseDto } from './dto/token-response.dto.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly accessTokens: AccessTokenService,
    private readonly sessions: SessionsService,
  ) {}

  /** Unknown email, wrong password and disabled account are one indistinguishable answer. */
  async login({ email, password }: LoginDto, client: ClientInfo): Promise<TokenResponseDto> {
    const user = await this.users.authenticate(email, password);
    if (!user) {
      throw new UnauthorizedException({
        code: ErrorCode.InvalidCredentials,
        message: 'Invalid email or password',
      });
    }
    const session = await this.sessions.open(user.id, client);
    return this.tokens({ id: user.id, roles: user.roles }, session);
  }

  /** Rotates the refresh token; the new access token carries the user's current roles. */
  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const session = await this.sessions.rotate(refreshToken);
    return this.tokens({ id: session.userId, roles: session.roles }, session);
  }

  async logout(user: AuthUser): Promise<void> {
    await this.sessions.revokeOwn(user.userId, user.sessionId, 'logout');
  }

  async logoutAll(user: AuthUser): Promise<void> {
    await this.sessions.revokeAllOfUser(user.userId, 'logout_all');
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
}
