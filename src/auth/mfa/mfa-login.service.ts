import { BadRequestException, Injectable, UnauthorizedException } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type { ClientInfo } from '../../common/client-info.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { AuthService } from '../auth.service.js';
import type { TokenResponseDto } from '../dto/token-response.dto.js';
import type { SignInUser } from '../sign-in-user.js';
import type { MfaLoginDto } from './dto/mfa-login.dto.js';
import type { MfaRequiredResponseDto } from './dto/mfa-required-response.dto.js';
import { MfaEvent, type MfaEventPayload, type MfaMethod } from './mfa-events.js';
import { MfaTokensService } from './mfa-tokens.service.js';
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

/** The two-step sign-in: a right password gives an `mfaToken`; a second factor spends it. */
@Injectable()
export class MfaLoginService {
  constructor(
    private readonly auth: AuthService,
    private readonly mfaTokens: MfaTokensService,
    private readonly totp: TotpService,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly events: EventEmitter2,
  ) {}

  async challenge(user: SignInUser): Promise<MfaRequiredResponseDto> {
    const mfaToken = await this.mfaTokens.issue({
      userId: user.id,
      email: user.email,
      sessionsValidAfter: user.sessionsValidAfter,
    });
    return { mfaRequired: true, mfaToken, methods: [...(user.secondFactors ?? [])] };
  }

  /**
   * 401 `invalid_mfa_token` for an unknown, expired or spent token; 401 `invalid_mfa_code` for a
   * wrong code, counted against the lockout (the token stays usable until it expires, so the
   * user may type again); 429 once locked.
   */
  async complete(dto: MfaLoginDto, client: ClientInfo): Promise<TokenResponseDto> {
    const method = methodOf(dto);
    const pending = await this.mfaTokens.find(dto.mfaToken);
    if (!pending) throw invalidMfaToken();
    const { userId, email } = pending;
    const passed = await this.auth.countedAttempt(email, client, () =>
      method === 'totp'
        ? this.totp.verify(userId, dto.code!)
        : this.recoveryCodes.consume(userId, dto.recoveryCode!),
    );
    if (!passed) {
      this.emit(MfaEvent.LoginFailed, { userId, client, method });
      throw invalidMfaCode();
    }
    const signIn = await this.mfaTokens.consume(dto.mfaToken);
    if (!signIn) throw invalidMfaToken();
    const tokens = await this.auth.signIn(
      {
        id: userId,
        email,
        roles: signIn.roles,
        sessionsValidAfter: signIn.sessionsValidAfter,
        amr: OTP_AMR,
      },
      client,
    );
    this.emit(MfaEvent.LoginSucceeded, { userId, actorId: userId, client, method });
    return tokens;
  }

  private emit(event: string, payload: MfaEventPayload): void {
    this.events.emit(event, payload);
  }
}

/** Exactly one factor per request. */
function methodOf(dto: MfaLoginDto): MfaMethod {
  if ((dto.code === undefined) === (dto.recoveryCode === undefined)) {
    throw new BadRequestException({
      code: ErrorCode.ValidationFailed,
      message: 'Send exactly one of code and recoveryCode',
    });
  }
  return dto.code !== undefined ? 'totp' : 'recovery_code';
}
