import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ApiBadRequestResponse,
  ApiFoundResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiOperation,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Client } from '../auth/decorators/client-info.decorator.js';
import { Public } from '../auth/decorators/public.decorator.js';
import { RateLimited } from '../auth/decorators/rate-limited.decorator.js';
import { TokenResponseDto } from '../auth/dto/token-response.dto.js';
import { setRefreshCookie } from '../auth/refresh-cookie.js';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { oidcConfig } from '../config/oidc.config.js';
import { ExchangeCodeDto } from './dto/exchange-code.dto.js';
import { OidcProviderResponseDto } from './dto/oidc-provider-response.dto.js';
import { clearFlowCookie, flowCookie, requestOrigin, setFlowCookie } from './oidc-flow-cookie.js';
import { OidcProviders } from './oidc-providers.service.js';
import { OidcSignIn } from './oidc-sign-in.service.js';

const UNAVAILABLE = '`provider_unavailable`: its metadata could not be discovered yet';

/** Sign-in with OpenID providers (ADR 0017). */
@ApiTags('auth')
@Controller('auth/oidc')
export class OidcController {
  constructor(
    private readonly providers: OidcProviders,
    private readonly signIn: OidcSignIn,
    @Inject(oidcConfig.KEY) private readonly config: ConfigType<typeof oidcConfig>,
  ) {}

  @Public()
  @Get('providers')
  @ApiOkResponse({ type: OidcProviderResponseDto, isArray: true })
  @ApiOperation({
    summary: 'List OpenID providers',
    description: 'The configured OpenID providers a user can sign in with.',
  })
  list(): OidcProviderResponseDto[] {
    return this.providers.list();
  }

  @Public()
  @RateLimited()
  @Post('exchange')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: TokenResponseDto, description: 'Also sets the `refresh_token` cookie' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`invalid_grant`: unknown, used or older than 60 s',
  })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: '`invalid_credentials`: the account changed since',
  })
  @ApiOperation({
    summary: 'Exchange a sign-in code',
    description:
      'Trades the one-time code from an OpenID sign-in (valid 60 s) for the usual token response and refresh cookie.',
  })
  async exchange(
    @Body() dto: ExchangeCodeDto,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const tokens = await this.signIn.exchange(dto.code, client);
    setRefreshCookie(reply, tokens.refreshToken, tokens.refreshExpiresAt, this.config.cookieSecure);
    return tokens;
  }

  @Public()
  @RateLimited()
  @Get(':provider')
  @ApiQuery({
    name: 'redirect',
    required: false,
    description: 'A path or origin in OIDC_ALLOWED_REDIRECTS',
  })
  @ApiFoundResponse({ description: "To the provider's authorization endpoint" })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: '`invalid_redirect`' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: UNAVAILABLE })
  @ApiOperation({
    summary: 'Start an OpenID sign-in',
    description:
      'Redirects the browser to the provider (authorization code flow with PKCE, state and nonce).',
  })
  async start(
    @Param('provider') provider: string,
    @Query('redirect') redirect: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const flow = await this.signIn.start(provider, redirect, requestOrigin(request));
    setFlowCookie(reply, flow.flowSecret, this.config.cookieSecure);
    await reply.header('Cache-Control', 'no-store').redirect(flow.location, 302);
  }

  @Public()
  @RateLimited()
  @Get(':provider/callback')
  @ApiFoundResponse({
    description:
      "To the flow's redirect with `code` (for `POST /auth/oidc/exchange`), `linked=<provider>` " +
      'after a link, or `error` (`access_denied`, `account_exists`, `identity_taken`, `login_failed`)',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: UNAVAILABLE })
  @ApiOperation({
    summary: 'OpenID provider callback',
    description:
      'Where the provider sends the browser back; redirects to the requested page with a one-time `code`, or an `error`.',
  })
  async callback(
    @Param('provider') provider: string,
    @Req() request: FastifyRequest,
    @Client() client: ClientInfo,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const location = await this.signIn.callback(provider, request.url, flowCookie(request), client);
    clearFlowCookie(reply, this.config.cookieSecure);
    await reply.header('Cache-Control', 'no-store').redirect(location, 302);
  }
}
