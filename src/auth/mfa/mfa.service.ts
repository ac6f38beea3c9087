import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
} from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import type { ClientInfo } from '../../common/client-info.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { SessionRevocations } from '../../tokens/session-revocations.js';
import { UsersService } from '../../users/users.service.js';
import type { AuthUser } from '../auth-user.js';
import { AuthService } from '../auth.service.js';
import type { DisableTotpDto } from './dto/disable-totp.dto.js';
import type { TotpEnrolment } from './totp.service.js';
import { TotpService } from './totp.service.js';
import { MfaEvent, type MfaEventPayload } from './mfa-events.js';
import { RecoveryCodesService } from './recovery-codes.service.js';
import { PasskeysService } from '../passkeys/passkeys.service.js';

/** For a signed-in route: 403, not 401, so the client does not take its token for refused. */
const invalidCode = () =>
  new ForbiddenException({ code: ErrorCode.InvalidMfaCode, message: 'The code is wrong' });

/** A user's own TOTP and recovery codes, and an administrator's reset of every factor. */
@Injectable()
export class MfaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly revocations: SessionRevocations,
    private readonly totp: TotpService,
    private readonly recoveryCodes: RecoveryCodesService,
    private readonly passkeys: PasskeysService,
    private readonly events: EventEmitter2,
  ) {}

  async setUpTotp(user: AuthUser): Promise<TotpEnrolment> {
    const { email } = await this.users.findProfile(user.userId);
    return this.totp.setUp(user.userId, email);
  }

  async confirmTotp(user: AuthUser, code: string, client: ClientInfo): Promise<string[]> {
    const { email } = await this.users.findProfile(user.userId);
    let codes: string[] | false = false;
    const passed = await this.auth.countedAttempt(email, client, async () => {
      codes = await this.totp.confirm(user.userId, code);
      return codes !== false;
    });
    if (!passed || !codes) throw invalidCode();
    this.emit(MfaEvent.Enrolled, {
      userId: user.userId,
      actorId: user.userId,
      client,
      method: 'totp',
    });
    return codes;
  }

  /** With a current code, or the password (403 `invalid_current_password` when wrong). */
  async disableTotp(user: AuthUser, dto: DisableTotpDto, client: ClientInfo): Promise<void> {
    await this.requireTotp(user);
    if (dto.code !== undefined) await this.requireCode(user, dto.code, client);
    else if (dto.currentPassword !== undefined) {
      await this.auth.confirmCurrentPassword(user, dto.currentPassword, client);
    } else {
      throw new BadRequestException({
        code: ErrorCode.ValidationFailed,
        message: 'Send code or currentPassword',
      });
    }
    await this.dataSource.transaction((manager) => this.totp.remove(manager, user.userId));
    this.emit(MfaEvent.Removed, {
      userId: user.userId,
      actorId: user.userId,
      client,
      method: 'totp',
    });
  }

  async regenerateRecoveryCodes(
    user: AuthUser,
    code: string,
    client: ClientInfo,
  ): Promise<string[]> {
    await this.requireTotp(user);
    await this.requireCode(user, code, client);
    const codes = await this.dataSource.transaction((manager) =>
      this.recoveryCodes.replace(manager, user.userId),
    );
    this.emit(MfaEvent.RecoveryCodesRegenerated, {
      userId: user.userId,
      actorId: user.userId,
      client,
    });
    return codes;
  }

  /** Every second factor of `userId` removed and every session ended (404 when no such user). */
  async reset(admin: AuthUser, userId: string, client: ClientInfo): Promise<void> {
    await this.users.findProfile(userId);
    await this.dataSource.transaction(async (manager) => {
      await this.totp.remove(manager, userId);
      await this.passkeys.removeAll(manager, userId);
    });
    this.emit(MfaEvent.Reset, { userId, actorId: admin.userId, client });
    await this.revocations.revokeAllOfUser(userId, 'mfa_reset', { actorId: admin.userId, client });
  }

  private async requireTotp(user: AuthUser): Promise<void> {
    if (!(await this.totp.isEnabled(user.userId))) {
      throw new ConflictException({ code: ErrorCode.TotpNotEnabled, message: 'TOTP is not on' });
    }
  }

  private async requireCode(user: AuthUser, code: string, client: ClientInfo): Promise<void> {
    const { email } = await this.users.findProfile(user.userId);
    const passed = await this.auth.countedAttempt(email, client, () =>
      this.totp.verify(user.userId, code),
    );
    if (!passed) throw invalidCode();
  }

  private emit(event: string, payload: MfaEventPayload): void {
    this.events.emit(event, payload);
  }
}
