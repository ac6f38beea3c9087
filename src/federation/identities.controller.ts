import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Inject } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiParam,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { Client } from '../auth/decorators/client-info.decorator.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { UuidParam } from '../common/validation/uuid-param.decorator.js';
import { oidcConfig } from '../config/oidc.config.js';
import { IdentityResponseDto } from './dto/identity-response.dto.js';
import { Identities } from './identities.service.js';
import { requestOrigin, setFlowCookie } from './oidc-flow-cookie.js';
import { OidcSignIn } from './oidc-sign-in.service.js';

/** The caller's identities at OpenID providers. */
@ApiTags('users')
@Controller('users/me/identities')
export class IdentitiesController {
  constructor(
    private readonly identities: Identities,
    private readonly signIn: OidcSignIn,
    @Inject(oidcConfig.KEY) private readonly config: ConfigType<typeof oidcConfig>,
  ) {}

  @Get()
  @ApiOkResponse({ type: IdentityResponseDto, isArray: true })
  @ApiOperation({
    summary: 'List your linked identities',
    description: "The OpenID identities linked to the signed-in user's account.",
  })
  async list(@CurrentUser() user: AuthUser): Promise<IdentityResponseDto[]> {
    return (await this.identities.list(user.userId)).map((identity) =>
      IdentityResponseDto.from(identity),
    );
  }

  /**
   * Starts a link flow: the same redirect dance as a sign-in, whose callback links the identity
   * to the caller and returns to the redirect with `linked=<provider>`.
   */
  // `:id` (the provider's id, as in GET /auth/oidc/providers) rather than `:provider`: OpenAPI
  // cannot hold two templates of one path that differ only in the parameter's name.
  @Post(':id')
  @ApiParam({ name: 'id', description: "The provider's id (`OIDC_PROVIDERS`), e.g. `google`" })
  @ApiQuery({
    name: 'redirect',
    required: false,
    description: 'A path or origin in OIDC_ALLOWED_REDIRECTS',
  })
  @ApiFoundResponse({
    description: "To the provider's authorization endpoint (also in the body as `location`)",
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: '`invalid_redirect`' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: '`provider_unavailable`' })
  @ApiOperation({
    summary: 'Link an OpenID identity',
    description:
      "Starts the provider's flow; its callback links the identity to the signed-in user.",
  })
  async link(
    @CurrentUser() user: AuthUser,
    @Param('id') provider: string,
    @Query('redirect') redirect: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const flow = await this.signIn.start(provider, redirect, requestOrigin(request), user.userId);
    setFlowCookie(reply, flow.flowSecret, this.config.cookieSecure);
    // A script cannot read a redirect's Location from a browser: the body says it too.
    await reply
      .code(302)
      .header('Cache-Control', 'no-store')
      .header('Location', flow.location)
      .send({ location: flow.location });
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Unlinked' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`last_sign_in_method`' })
  @ApiOperation({
    summary: 'Unlink an OpenID identity',
    description:
      "Removes a linked identity, unless it is the account's last way to sign in (`last_sign_in_method`).",
  })
  async unlink(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.identities.unlink(user.userId, id, client);
  }
}
