import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Post, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import type { FastifyReply } from 'fastify';
import type { ClientInfo } from '../../common/client-info.js';
import { ApiErrors } from '../../common/errors/api-errors.decorator.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { UuidParam } from '../../common/validation/uuid-param.decorator.js';
import { sessionsConfig } from '../../config/sessions.config.js';
import type { AuthUser } from '../auth-user.js';
import { Client } from '../decorators/client-info.decorator.js';
import { CurrentUser } from '../decorators/current-user.decorator.js';
import { Public } from '../decorators/public.decorator.js';
import { RateLimited } from '../decorators/rate-limited.decorator.js';
import { RequireAuthLevel } from '../decorators/require-auth-level.decorator.js';
import { TokenResponseDto } from '../dto/token-response.dto.js';
import { withRefreshCookie } from '../refresh-cookie.js';
import { PasskeyAuthenticationOptionsDto } from './dto/passkey-authentication-options.dto.js';
import { PasskeyAuthenticationDto } from './dto/passkey-authentication.dto.js';
import { PasskeyRegistrationDto } from './dto/passkey-registration.dto.js';
import { PasskeyDto, RegisteredPasskeyDto } from './dto/passkey-response.dto.js';
import { WEBAUTHN_OPTIONS_SCHEMA } from './dto/webauthn-options.schema.js';
import { PasskeyAuthenticationService } from './passkey-authentication.service.js';
import { PasskeysService } from './passkeys.service.js';

/** WebAuthn passkeys: the caller's (register, list, remove) and the passwordless sign-in. */
@ApiTags('passkeys')
@Controller('auth/passkeys')
export class PasskeysController {
  constructor(
    private readonly passkeys: PasskeysService,
    private readonly authentication: PasskeyAuthenticationService,
    @Inject(sessionsConfig.KEY) private readonly config: ConfigType<typeof sessionsConfig>,
  ) {}

  @Post('registration/options')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Start registering a passkey',
    description:
      'Options for `navigator.credentials.create()` (`startRegistration({ optionsJSON })` of ' +
      '`@simplewebauthn/browser`): a discoverable credential for this account, the passkeys it ' +
      'already has excluded. The challenge works once, within 5 minutes.',
  })
  @ApiOkResponse({ schema: WEBAUTHN_OPTIONS_SCHEMA })
  registrationOptions(
    @CurrentUser() user: AuthUser,
  ): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return this.passkeys.registrationOptions(user);
  }

  @Post('registration/verify')
  @ApiOperation({
    summary: 'Register a passkey',
    description:
      "The authenticator's answer to the registration options. From now on the account has a " +
      'second factor: a password sign-in asks for it (`mfaRequired`, method `webauthn`), and ' +
      'the passkey also signs in alone.',
  })
  @ApiCreatedResponse({ type: RegisteredPasskeyDto })
  @ApiErrors({
    400: {
      codes: [ErrorCode.InvalidPasskey, ErrorCode.ValidationFailed],
      when: 'a challenge not yours, expired or used; a wrong origin or RP ID; no valid response',
    },
    409: { codes: [ErrorCode.Conflict], when: 'this passkey is already registered' },
  })
  register(
    @CurrentUser() user: AuthUser,
    @Body() dto: PasskeyRegistrationDto,
    @Client() client: ClientInfo,
  ): Promise<RegisteredPasskeyDto> {
    return this.passkeys.register(user, dto, client);
  }

  @Get()
  @ApiOperation({
    summary: 'Your passkeys',
    description: 'Name, creation, last sign-in and whether it is synced; never key material.',
  })
  @ApiOkResponse({ type: [PasskeyDto] })
  list(@CurrentUser() user: AuthUser): Promise<PasskeyDto[]> {
    return this.passkeys.list(user);
  }

  @RequireAuthLevel({ maxAgeSeconds: 300 })
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a passkey',
    description: 'With a sign-in of the last 5 minutes. It no longer signs in.',
  })
  @ApiNoContentResponse({ description: 'The passkey is gone' })
  @ApiErrors({ 404: [ErrorCode.PasskeyNotFound] })
  async remove(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.passkeys.remove(user, id, client);
  }

  @Public()
  @RateLimited()
  @Post('authentication/options')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Start a passwordless sign-in',
    description:
      'Options for `navigator.credentials.get()` (`startAuthentication({ optionsJSON })`). ' +
      'Without `email`: any passkey of this site (discoverable credentials, the browser offers ' +
      'the accounts). With it: that account’s passkeys; an email without an account gets an ' +
      'answer of the same shape, so this tells nobody whether an account exists.',
  })
  @ApiOkResponse({ schema: WEBAUTHN_OPTIONS_SCHEMA })
  @ApiErrors({ 400: { codes: [ErrorCode.ValidationFailed], when: 'invalid or unknown fields' } })
  authenticationOptions(
    @Body() dto: PasskeyAuthenticationOptionsDto,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return this.authentication.passwordlessOptions(dto.email);
  }

  @Public()
  @RateLimited()
  @Post('authentication/verify')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Sign in with a passkey',
    description:
      "The authenticator's answer to the authentication options: the usual token response and " +
      'cookie, with `amr: ["hwk"]` (a key bound to one device) or `["swk"]` (a synced passkey) ' +
      'in the access token. Counted against the sign-in lockout like a password; a signature ' +
      'counter that did not increase is refused (a cloned authenticator) and audited.',
  })
  @ApiOkResponse({ type: TokenResponseDto, description: 'Also sets the `refresh_token` cookie' })
  @ApiErrors({
    400: { codes: [ErrorCode.ValidationFailed], when: 'not a credential response' },
    401: {
      codes: [ErrorCode.InvalidPasskey, ErrorCode.InvalidCredentials],
      when: 'ask for new options and try again',
    },
    403: {
      codes: [ErrorCode.EmailNotVerified],
      when: 'REQUIRE_VERIFIED_EMAIL and the address is not confirmed',
    },
  })
  async authenticate(
    @Body() dto: PasskeyAuthenticationDto,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const tokens = await this.authentication.signIn(dto.response, client);
    return withRefreshCookie(reply, tokens, this.config.cookieSecure, dto.refreshTokenTransport);
  }
}
