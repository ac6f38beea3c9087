import { HttpException, Injectable } from '@nestjs/common';
import type { ClientInfo } from '../../common/client-info.js';
import { AccessTokenService } from '../../tokens/access-token.service.js';
import { SessionsService } from '../../tokens/sessions.service.js';
import { isScope, scopesOfRoles } from '../../users/scopes.js';
import type { OAuthTokenResponseDto } from '../dto/oauth-token-response.dto.js';
import { ClientAuthentication } from './client-authentication.js';
import { oauthError } from './oauth-errors.js';
import type { OAuthForm } from './oauth-form.js';

/** `POST /oauth/token` (RFC 6749 §4.4 and §6): client credentials, and refresh. */
@Injectable()
export class OAuthTokenService {
  constructor(
    private readonly clientAuthentication: ClientAuthentication,
    private readonly accessTokens: AccessTokenService,
    private readonly sessions: SessionsService,
  ) {}

  async token(
    form: OAuthForm,
    authorization: string | undefined,
    client: ClientInfo,
  ): Promise<OAuthTokenResponseDto> {
    const grantType = form.require('grant_type');
    if (grantType === 'client_credentials') return this.clientCredentials(form, authorization);
    if (grantType === 'refresh_token') return this.refresh(form, client);
    throw oauthError.unsupportedGrantType();
  }

  /** A service token with the requested scopes (a subset of the client's), or all of them. */
  private async clientCredentials(
    form: OAuthForm,
    authorization: string | undefined,
  ): Promise<OAuthTokenResponseDto> {
    const serviceClient = await this.clientAuthentication.authenticate(authorization, form);
    const requested = form.get('scope')?.split(' ').filter(Boolean);
    const scopes = requested ? [...new Set(requested)] : serviceClient.scopes;
    const outside = scopes.filter(
      (scope) => !isScope(scope) || !serviceClient.scopes.includes(scope),
    );
    if (outside.length > 0) {
      throw oauthError.invalidScope(`Not granted to this client: ${outside.join(' ')}`);
    }
    const issued = this.accessTokens.issueForClient(serviceClient.id, scopes);
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      scope: scopes.join(' '),
    };
  }

  /**
   * `POST /auth/refresh` in the standard spelling: the same rotation and reuse detection; any
   * refusal is `invalid_grant` (400, RFC 6749 §5.2), whatever `/auth/refresh` would call it.
   */
  private async refresh(form: OAuthForm, client: ClientInfo): Promise<OAuthTokenResponseDto> {
    const refreshToken = form.require('refresh_token');
    const session = await this.sessions.rotate(refreshToken, client).catch((error: unknown) => {
      // Refused (401), or refused for an unverified address (403 with REQUIRE_VERIFIED_EMAIL).
      if (error instanceof HttpException && [401, 403].includes(error.getStatus())) {
        throw oauthError.invalidGrant();
      }
      throw error;
    });
    const access = this.accessTokens.issue(
      { id: session.userId, roles: session.roles },
      session.sessionId,
      session,
    );
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      scope: scopesOfRoles(session.roles).join(' '),
      refresh_token: session.refreshToken,
    };
  }
}
