import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOperation,
  getSchemaPath,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientInfo } from '../common/client-info.js';
import { ApiErrors } from '../common/errors/api-errors.decorator.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { sessionsConfig } from '../config/sessions.config.js';
import { refreshRefused } from '../tokens/session-errors.js';
import { RegisterUserDto } from '../users/dto/register-user.dto.js';
import { UserResponseDto } from '../users/dto/user-response.dto.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { Client } from './decorators/client-info.decorator.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { Public } from './decorators/public.decorator.js';
import { RateLimited } from './decorators/rate-limited.decorator.js';
import { SignedIn } from './decorators/signed-in.decorator.js';
import { LoginDto } from './dto/login.dto.js';
import { MailQueuedResponseDto } from './email/dto/mail-queued-response.dto.js';
import { RegistrationService } from './email/registration.service.js';
import { RefreshDto } from './dto/refresh.dto.js';
import type { RefreshTokenTransport } from './dto/refresh-token-transport.decorator.js';
import { SessionResponseDto } from './dto/session-response.dto.js';
import { TokenResponseDto } from './dto/token-response.dto.js';
import { LocalAuthGuard } from './guards/local-auth.guard.js';
import { MfaLoginDto } from './mfa/dto/mfa-login.dto.js';
import { MfaRequiredResponseDto } from './mfa/dto/mfa-required-response.dto.js';
import { MfaLoginService } from './mfa/mfa-login.service.js';
import { clearRefreshCookie, refreshCookie, withRefreshCookie } from './refresh-cookie.js';
import type { SignInUser } from './sign-in-user.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly registration: RegistrationService,
    private readonly mfaLogin: MfaLoginService,
    @Inject(sessionsConfig.KEY) private readonly config: ConfigType<typeof sessionsConfig>,
  ) {}

  /** Also queues the verification mail (REGISTRATION_REVEALS_ACCOUNTS decides 201 or 202). */
  @Public()
  @RateLimited()
  @Post('register')
  @ApiCreatedResponse({ type: UserResponseDto, description: 'REGISTRATION_REVEALS_ACCOUNTS=true' })
  @ApiAcceptedResponse({
    type: MailQueuedResponseDto,
    description: 'REGISTRATION_REVEALS_ACCOUNTS=false: whether or not the address had an account',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid or unknown fields' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: '`email_taken` (REGISTRATION_REVEALS_ACCOUNTS=true)',
  })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: '`server_busy`' })
  @ApiOperation({
    summary: 'Create an account',
    description:
      'Creates an account and mails a verification link. With REGISTRATION_REVEALS_ACCOUNTS=false the answer is the same 202 whether or not the address already had an account.',
  })
  async register(
    @Body() dto: RegisterUserDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResponseDto | MailQueuedResponseDto> {
    const id = await this.registration.register(dto);
    if (!this.registration.revealsAccounts) {
      reply.status(202);
      return MailQueuedResponseDto.of('verification_sent');
    }
    return UserResponseDto.from(await this.users.findProfile(id!));
  }

  /** Credentials are checked by the `'local'` Passport strategy (`LocalAuthGuard`). */
  @Public()
  @UseGuards(LocalAuthGuard)
  @RateLimited()
  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiBody({ type: LoginDto })
  @ApiExtraModels(TokenResponseDto, MfaRequiredResponseDto)
  @ApiOkResponse({
    description:
      'The tokens (and the `refresh_token` cookie); or, for an account with a second factor, ' +
      '`{mfaRequired: true, mfaToken, methods, webauthnOptions?}` and no token: continue with ' +
      'POST /auth/login/mfa',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(TokenResponseDto) },
        { $ref: getSchemaPath(MfaRequiredResponseDto) },
      ],
    },
  })
  @ApiErrors({
    400: { codes: [ErrorCode.ValidationFailed], when: 'invalid or unknown fields' },
    401: [ErrorCode.InvalidCredentials],
  })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: '`server_busy`' })
  @ApiOperation({
    summary: 'Sign in',
    description:
      'Checks the email and password and opens a session: a short-lived access token and a single-use refresh token, which is also set as the HttpOnly `refresh_token` cookie. With `refreshTokenTransport: "cookie"` the refresh token is only in the cookie, never in the body.',
  })
  async login(
    @SignedIn() user: SignInUser,
    @Client() client: ClientInfo,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto | MfaRequiredResponseDto> {
    if (user.secondFactors?.length) return this.mfaLogin.challenge(user);
    // The body was validated into a LoginDto by LocalAuthGuard (guards run before pipes).
    const { refreshTokenTransport } = request.body as LoginDto;
    return this.withCookie(reply, await this.auth.signIn(user, client), refreshTokenTransport);
  }

  @Public()
  @RateLimited()
  @Post('login/mfa')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Finish a sign-in with a second factor',
    description:
      'The `mfaToken` of the `mfaRequired` answer and one factor: a TOTP `code`, a ' +
      "`recoveryCode`, or `webauthn`: a passkey's answer to the `webauthnOptions`. Wrong " +
      'factors count against the sign-in lockout; the mfaToken stays usable until it expires ' +
      '(5 minutes) or a right factor spends it (a passkey challenge works once: after a failed ' +
      'one, use another factor or sign in again for new options).',
  })
  @ApiOkResponse({ type: TokenResponseDto, description: 'Also sets the `refresh_token` cookie' })
  @ApiErrors({
    400: { codes: [ErrorCode.ValidationFailed], when: 'invalid or unknown fields' },
    401: {
      codes: [ErrorCode.InvalidMfaToken, ErrorCode.InvalidMfaCode, ErrorCode.InvalidCredentials],
      when: '`invalid_mfa_token`: sign in again',
    },
  })
  async loginMfa(
    @Body() dto: MfaLoginDto,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    return this.withCookie(
      reply,
      await this.mfaLogin.complete(dto, client),
      dto.refreshTokenTransport,
    );
  }

  @Public()
  @RateLimited()
  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    type: TokenResponseDto,
    description:
      'A new pair; the presented token is spent. Presented again within ' +
      '`REFRESH_RETRY_WINDOW` (when set) while its successor is unused: that same successor',
  })
  @ApiErrors({
    400: { codes: [ErrorCode.ValidationFailed], when: 'invalid or unknown fields' },
    401: {
      codes: [ErrorCode.InvalidGrant, ErrorCode.RefreshTokenReused, ErrorCode.SessionExpired],
      when: 'sign in again (`refresh_token_reused` also revoked the session)',
    },
  })
  @ApiOperation({
    summary: 'Refresh the access token',
    description:
      'Trades a refresh token (in the body, or the `refresh_token` cookie when the body has none) for a new pair. Each refresh token works once; presenting a spent one revokes the whole session (`refresh_token_reused`). With `refreshTokenTransport: "cookie"` the new refresh token is only in the cookie.',
  })
  async refresh(
    @Body() dto: RefreshDto,
    @Req() request: FastifyRequest,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const token = dto.refreshToken ?? refreshCookie(request);
    if (!token) throw refreshRefused.invalid();
    return this.withCookie(
      reply,
      await this.auth.refresh(token, client),
      dto.refreshTokenTransport,
    );
  }

  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session is revoked; its access tokens stop working' })
  @ApiOperation({
    summary: 'Sign out',
    description:
      'Revokes the current session: its refresh token and every access token issued from it stop working at once. Clears the refresh cookie.',
  })
  async logout(
    @CurrentUser() user: AuthUser,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(user, client);
    clearRefreshCookie(reply, this.config.cookieSecure);
  }

  @Post('logout-all')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Every session of the user is revoked' })
  @ApiOperation({
    summary: 'Sign out everywhere',
    description: 'Revokes every session of the signed-in user. Clears the refresh cookie.',
  })
  async logoutAll(
    @CurrentUser() user: AuthUser,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.logoutAll(user, client);
    clearRefreshCookie(reply, this.config.cookieSecure);
  }

  /** The cheapest protected route: the verified token's claims, no database. */
  @Get('session')
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiOperation({
    summary: 'The current session',
    description:
      'Who the access token belongs to and when it expires, from the verified token alone (no database): the cheapest protected route.',
  })
  session(@CurrentUser() user: AuthUser): SessionResponseDto {
    return SessionResponseDto.from(user);
  }

  private withCookie(
    reply: FastifyReply,
    tokens: TokenResponseDto,
    transport?: RefreshTokenTransport,
  ): TokenResponseDto {
    return withRefreshCookie(reply, tokens, this.config.cookieSecure, transport);
  }
}
