import { BadRequestException, Injectable, UnauthorizedException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ClientInfo } from '../../common/client-info.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { AuthService } from '../auth.service.js';
import type { TokenResponseDto } from '../dto/token-response.dto.js';
import { PasskeyAuthenticationService } from '../passkeys/passkey-authentication.service.js';
import type { SignInUser } from '../sign-in-user.js';
import type { MfaLoginDto } from './dto/mfa-login.dto.js';
import type { MfaRequiredResponseDto } from './dto/mfa-required-response.dto.js';
import { MfaEvent, type MfaEventPayload, type MfaMethod } from './mfa-events.js';
import { MfaTokensService, type ClaimedSignIn } from './mfa-tokens.service.js';
import { RecoveryCodesService } from './recovery-codes.service.js';
import { TotpService } from './totp.service.js';

/** RFC 8176: a password and a one-time code (a TOTP or a recovery code), two factors. */
const OTP_AMR = ['pwd', 'otp', 'mfa'];

const invalidMfaToken = () =>
  new UnauthorizedException({
    code: ErrorCode.InvalidMfaToken,
    message: 'The mfaToken is unknown, expired or used: sign in again',
  });

const invalidMfaCode = () =>
  new UnauthorizedException({ code: ErrorCode.InvalidMfaCode, message: 'The code is wrong' });

/** A wrong second factor is `invalid_mfa_code` whatever its kind (issue 14's contract). */
const passkeyRefused = () =>
  new UnauthorizedException({
    code: ErrorCode.InvalidMfaCode,
    message:
      'The passkey could not be verified. Its challenge is spent: use another factor, or sign ' +
      'in again for new webauthnOptions',
  });

const isInvalidPasskey = (error: unknown) =>
  error instanceof UnauthorizedException &&
  (error.getResponse() as { code?: unknown }).code === ErrorCode.InvalidPasskey;

/** The two-step sign-in: a right password gives an `mfaToken`; a second factor spends it. */
@Injectable()
export class MfaLoginService {
  constructor(
    private readonly auth: AuthService,
    private readonly mfaTokens: MfaTokensService,
    private readonly totp: TotpService,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly passkeys: PasskeyAuthenticationService,
    private readonly events: EventEmitter2,
  ) {}

  async challenge(user: SignInUser): Promise<MfaRequiredResponseDto> {
    const methods = [...(user.secondFactors ?? [])];
    const mfaToken = await this.mfaTokens.issue({
      userId: user.id,
      email: user.email,
      sessionsValidAfter: user.sessionsValidAfter,
    });
    if (!methods.includes('webauthn')) return { mfaRequired: true, mfaToken, methods };
    const webauthnOptions = await this.passkeys.secondFactorOptions(user.id);
    return { mfaRequired: true, mfaToken, methods, webauthnOptions };
  }

  /**
   * 401 `invalid_mfa_token` for an unknown, expired or spent token; 401 `invalid_mfa_code` for a
   * wrong code or a passkey that does not verify, counted against the
   * lockout (the token stays usable until it expires, so the user may try again); 429 once
   * locked. The token is claimed before the factor is checked: of two steps racing with one
   * token, the loser spends nothing (no recovery code, no TOTP step).
   */
  async complete(dto: MfaLoginDto, client: ClientInfo): Promise<TokenResponseDto> {
    const method = methodOf(dto);
    const claimed = await this.mfaTokens.claim(dto.mfaToken);
    if (!claimed) throw invalidMfaToken();
    let amr: string[];
    try {
      amr = await this.checkFactor(method, dto, claimed, client);
    } catch (error) {
      await this.mfaTokens.restore(claimed);
      throw error;
    }
    const { userId, email } = claimed;
    const tokens = await this.auth.signIn(
      {
        id: userId,
        email,
        roles: claimed.roles,
        sessionsValidAfter: claimed.sessionsValidAfter,
        amr,
      },
      client,
    );
    this.emit(MfaEvent.LoginSucceeded, { userId, actorId: userId, client, method });
    return tokens;
  }

  /** The session's `amr` when the factor is right; throws (401, 429) when it is not. */
  private async checkFactor(
    method: MfaMethod,
    dto: MfaLoginDto,
    { userId, email }: ClaimedSignIn,
    client: ClientInfo,
  ): Promise<string[]> {
    if (method === 'webauthn') {
      const passkey = await this.passkeys
        .verify(dto.webauthn!, 'second_factor', client, userId)
        .catch((error: unknown) => {
          throw isInvalidPasskey(error) ? passkeyRefused() : error;
        });
      return ['pwd', passkey.amr, 'mfa'];
    }
    const passed = await this.auth.countedAttempt(email, client, () =>
      method === 'totp'
        ? this.totp.verify(userId, dto.code!)
        : this.recoveryCodes.consume(userId, dto.recoveryCode!),
    );
    if (!passed) {
      this.emit(MfaEvent.LoginFailed, { userId, client, method });
      throw invalidMfaCode();
    }
    return OTP_AMR;
  }

  private emit(event: string, payload: MfaEventPayload): void {
    this.events.emit(event, payload);
  }
}

const METHOD_OF_FIELD = {
  code: 'totp',
  recoveryCode: 'recovery_code',
  webauthn: 'webauthn',
} as const satisfies Record<string, MfaMethod>;

/** Exactly one factor per request. */
function methodOf(dto: MfaLoginDto): MfaMethod {
  const sent = (Object.keys(METHOD_OF_FIELD) as (keyof typeof METHOD_OF_FIELD)[]).filter(
    (field) => dto[field] !== undefined,
  );
  if (sent.length !== 1) {
    throw new BadRequestException({
      code: ErrorCode.ValidationFailed,
      message: 'Send exactly one of code, recoveryCode and webauthn',
    });
  }
  return METHOD_OF_FIELD[sent[0]];
}
