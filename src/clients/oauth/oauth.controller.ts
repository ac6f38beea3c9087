import { Body, Controller, Header, Headers, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { insufficientScope } from '../../auth/access-policy.js';
import { Client } from '../../auth/decorators/client-info.decorator.js';
import { Public } from '../../auth/decorators/public.decorator.js';
import { RateLimited } from '../../auth/decorators/rate-limited.decorator.js';
import type { ClientInfo } from '../../common/client-info.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { IntrospectionResponseDto } from '../dto/introspection-response.dto.js';
import { OAuthTokenResponseDto } from '../dto/oauth-token-response.dto.js';
import { ClientAuthentication } from './client-authentication.js';
import { OAuthForm } from './oauth-form.js';
import { OAuthTokenService } from './oauth-token.service.js';
import { TokenInspectionService } from './token-inspection.service.js';

const FORM = 'application/x-www-form-urlencoded';
const formBody = (properties: Record<string, string>, required: string[]) =>
  ApiBody({
    schema: {
      type: 'object',
      required,
      properties: Object.fromEntries(
        Object.entries(properties).map(([name, description]) => [
          name,
          { type: 'string', description },
        ]),
      ),
    },
  });
const CLIENT_FIELDS = {
  client_id: 'client_secret_post (or HTTP Basic)',
  client_secret: 'client_secret_post (or HTTP Basic)',
};

/**
 * The OAuth 2 endpoints, form-encoded as the RFCs say. `@Public()` for the global guard: each
 * authenticates the calling client itself (HTTP Basic or form fields), answering RFC 6749 §5.2
 * errors (`invalid_client` 401 with `WWW-Authenticate: Basic`).
 */
@ApiTags('oauth')
@Public()
@Controller('oauth')
@ApiConsumes(FORM)
@ApiBadRequestResponse({ type: ErrorResponseDto, description: '`invalid_request` and the like' })
@ApiUnauthorizedResponse({ type: ErrorResponseDto, description: '`invalid_client`' })
export class OAuthController {
  constructor(
    private readonly tokens: OAuthTokenService,
    private readonly clientAuthentication: ClientAuthentication,
    private readonly inspection: TokenInspectionService,
  ) {}

  /**
   * RFC 6749: `client_credentials` (service accounts) or `refresh_token`. Rate-limited like
   * `POST /auth/refresh`, whose standard spelling it also is.
   */
  @Post('token')
  @RateLimited()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @Header('pragma', 'no-cache')
  @formBody(
    {
      grant_type: '`client_credentials` or `refresh_token`',
      scope: 'client_credentials: a subset of the client’s scopes, space-separated',
      refresh_token: 'refresh_token: the refresh token',
      ...CLIENT_FIELDS,
    },
    ['grant_type'],
  )
  @ApiOkResponse({ type: OAuthTokenResponseDto })
  @ApiErrors({
    400: {
      codes: [
        ErrorCode.InvalidRequest,
        ErrorCode.InvalidGrant,
        ErrorCode.InvalidScope,
        ErrorCode.UnsupportedGrantType,
      ],
      when: 'RFC 6749 §5.2, also as `error`',
    },
    401: { codes: [ErrorCode.InvalidClient], when: 'with `WWW-Authenticate: Basic`' },
  })
  @ApiOperation({
    summary: 'OAuth 2 token endpoint',
    description:
      'RFC 6749 token endpoint (form body): `client_credentials` for service accounts, or `refresh_token` (the standard spelling of POST /auth/refresh).',
  })
  token(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Client() client: ClientInfo,
  ): Promise<OAuthTokenResponseDto> {
    return this.tokens.token(OAuthForm.from(contentType, body), authorization, client);
  }

  /** RFC 7662, for a client with the scope `tokens:introspect`. */
  @Post('introspect')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @formBody({ token: 'Any token', token_type_hint: 'Ignored', ...CLIENT_FIELDS }, ['token'])
  @ApiOkResponse({ type: IntrospectionResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: '`insufficient_scope`' })
  @ApiOperation({
    summary: 'Introspect a token',
    description:
      'RFC 7662 introspection (form body) for clients with the `tokens:introspect` scope: `{active: true, …}` for a valid token, exactly `{"active": false}` for anything else.',
  })
  async introspect(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<IntrospectionResponseDto> {
    const form = OAuthForm.from(contentType, body);
    const caller = await this.clientAuthentication.authenticate(authorization, form);
    if (!caller.scopes.includes('tokens:introspect'))
      throw insufficientScope(['tokens:introspect']);
    return this.inspection.introspect(form.require('token'));
  }

  /** RFC 7009: 200 whatever the token was, known or not. */
  @Post('revoke')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @formBody({ token: 'Any token', token_type_hint: 'Ignored', ...CLIENT_FIELDS }, ['token'])
  @ApiOkResponse({ description: 'Revoked, or nothing to revoke' })
  @ApiOperation({
    summary: 'Revoke a token',
    description:
      "RFC 7009 revocation (form body): 200 for any token, known or not. A refresh token or a user's access token ends its session.",
  })
  async revoke(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Client() client: ClientInfo,
  ): Promise<void> {
    const form = OAuthForm.from(contentType, body);
    const caller = await this.clientAuthentication.authenticate(authorization, form);
    await this.inspection.revoke(form.require('token'), client, caller.id);
  }
}
