import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { AuthUser } from '../../auth/auth-user.js';
import type { ClientInfo } from '../../common/client-info.js';
import { clientsConfig } from '../../config/clients.config.js';
import { AccessTokenVerifier } from '../../tokens/access-token-verifier.js';
import { RefreshTokenLookup } from '../../tokens/refresh-token-lookup.js';
import { SessionRevocations } from '../../tokens/session-revocations.js';
import { TokenRevocations } from '../../tokens/token-revocations.js';
import { scopesOfRoles } from '../../users/scopes.js';
import { ApiKeysService, NEVER_EXPIRES } from '../api-keys.service.js';
import type { IntrospectionResponseDto } from '../dto/introspection-response.dto.js';
import { isApiKeyShaped } from '../secrets.js';

const INACTIVE: IntrospectionResponseDto = Object.freeze({ active: false });
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Introspection (RFC 7662) and revocation (RFC 7009) of any of our tokens: an access token
 * (a user's or a service token), a refresh token, or an API key, told apart by their shapes.
 * Both ask the same places the API does, so they agree with it about revocations.
 */
@Injectable()
export class TokenInspectionService {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly refreshTokens: RefreshTokenLookup,
    private readonly apiKeys: ApiKeysService,
    private readonly sessionRevocations: SessionRevocations,
    private readonly tokenRevocations: TokenRevocations,
    @Inject(clientsConfig.KEY) private readonly config: ConfigType<typeof clientsConfig>,
  ) {}

  async introspect(token: string): Promise<IntrospectionResponseDto> {
    const common = { iss: this.config.issuer, aud: this.config.audience };
    if (isApiKeyShaped(token)) {
      const key = await this.apiKeys.verify(token);
      if (!key) return INACTIVE;
      const { exp, ...described } = this.describe(key);
      // A key that never expires has no `exp`.
      const expires = key.expiresAt.getTime() === NEVER_EXPIRES.getTime() ? {} : { exp };
      return { ...described, ...expires, ...common };
    }
    const refresh = await this.refreshTokens.find(token);
    if (refresh) {
      if (!refresh.active || refresh.userId === null) return INACTIVE;
      return {
        active: true,
        sub: refresh.userId,
        scope: scopesOfRoles(refresh.roles).join(' '),
        exp: seconds(refresh.expiresAt),
        iat: seconds(refresh.issuedAt),
        ...common,
        token_type: 'refresh_token',
        sid: refresh.sessionId,
      };
    }
    const claims = this.verified(token);
    return claims ? { ...this.describe(claims), ...common } : INACTIVE;
  }

  /** Ends what the token stands for; nothing for a token that is not ours or already dead. */
  async revoke(token: string, client: ClientInfo, actorId: string): Promise<void> {
    if (isApiKeyShaped(token)) {
      await this.apiKeys.removeByKey(token, { actorId, client });
      return;
    }
    const refresh = await this.refreshTokens.find(token);
    if (refresh) {
      if (refresh.userId) await this.endSession(refresh.userId, refresh.sessionId, client, actorId);
      return;
    }
    const claims = this.verified(token);
    if (!claims) return;
    if (claims.principal === 'client') await this.tokenRevocations.revoke([claims.tokenId]);
    else await this.endSession(claims.userId, claims.sessionId, client, actorId);
  }

  private async endSession(
    userId: string,
    sessionId: string,
    client: ClientInfo,
    actorId: string,
  ): Promise<void> {
    await this.sessionRevocations
      .revokeOwn(userId, sessionId, 'token_revoked', { actorId, client })
      .catch((error: unknown) => {
        // The session went with its user meanwhile: nothing left to revoke.
        if (!(error instanceof NotFoundException)) throw error;
      });
  }

  /** The claims of a valid, unrevoked access token, or null for anything else. */
  private verified(token: string): AuthUser | null {
    try {
      return this.verifier.verify(token);
    } catch {
      return null;
    }
  }

  private describe(principal: AuthUser): IntrospectionResponseDto {
    const scopes = principal.scopes ?? scopesOfRoles(principal.roles);
    return {
      active: true,
      sub: principal.userId,
      ...(principal.clientId && { client_id: principal.clientId }),
      scope: scopes.join(' '),
      exp: seconds(principal.expiresAt),
      iat: seconds(principal.issuedAt),
      token_type: 'Bearer',
      ...(principal.sessionId && { sid: principal.sessionId }),
      jti: principal.tokenId,
    };
  }
}
