import { Controller, Get, Header, Inject, NotFoundException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Public } from '../../auth/decorators/public.decorator.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { clientsConfig } from '../../config/clients.config.js';
import { SCOPES } from '../../users/scopes.js';
import { AuthorizationServerMetadataDto } from '../dto/authorization-server-metadata.dto.js';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post'];

/**
 * RFC 8414 metadata, from which a standard OAuth client configures itself. Every endpoint is the
 * issuer (JWT_ISSUER, the public base URL) plus its path, so the issuer must be an http(s) URL
 * (https in production, checked at start); with a bare name such as the default `sentinel`
 * there is no metadata to give (404).
 */
@ApiTags('oauth')
@Public()
@Controller('.well-known')
export class OAuthMetadataController {
  constructor(
    @Inject(clientsConfig.KEY) private readonly config: ConfigType<typeof clientsConfig>,
  ) {}

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOkResponse({ type: AuthorizationServerMetadataDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'JWT_ISSUER is not a URL' })
  @ApiOperation({
    summary: 'Authorization server metadata',
    description: 'RFC 8414 metadata: the issuer and its endpoints. 404 unless JWT_ISSUER is a URL.',
  })
  metadata(): AuthorizationServerMetadataDto {
    const { issuer } = this.config;
    if (!/^https?:\/\/[^\s/?#]+/i.test(issuer)) {
      throw new NotFoundException({
        code: ErrorCode.NotFound,
        message: 'No OAuth metadata: JWT_ISSUER must be the public base URL (https://…)',
      });
    }
    const base = issuer.replace(/\/+$/, '');
    return {
      issuer,
      token_endpoint: `${base}/oauth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      introspection_endpoint: `${base}/oauth/introspect`,
      revocation_endpoint: `${base}/oauth/revoke`,
      grant_types_supported: ['client_credentials', 'refresh_token'],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: AUTH_METHODS,
      introspection_endpoint_auth_methods_supported: AUTH_METHODS,
      revocation_endpoint_auth_methods_supported: AUTH_METHODS,
      scopes_supported: [...SCOPES],
    };
  }
}
