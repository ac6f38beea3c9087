import { ConflictException, Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource, type EntityManager } from 'typeorm';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { loadOnFirstUse } from '../../common/load-on-first-use.js';
import { mfaConfig } from '../../config/mfa.config.js';
import { DataEncryption } from './data-encryption.js';
import { RecoveryCodesService } from './recovery-codes.service.js';

/** One step of drift either way (RFC 6238 §5.2), with 30-second steps: ±30 seconds. */
const DRIFT_SECONDS = 30;

export interface TotpEnrolment {
  secret: string;
  otpauthUri: string;
  qrCodeSvg: string;
}

/** Loaded at the first TOTP request (see `loadOnFirstUse`); the QR code only at enrolment. */
const otplib = loadOnFirstUse(() => import('otplib'));
const qrcode = loadOnFirstUse(() => import('qrcode'));

const conflict = (code: ErrorCode, message: string) => new ConflictException({ code, message });

/**
 * TOTP (RFC 6238) through otplib: a secret per user, encrypted at rest, pending until a first
 * code confirms it. A code is accepted once: the time step it matched is stored, and a code of
 * that step or an earlier one is refused (in the same conditional UPDATE, so two instances
 * checking one code at once accept it once).
 */
@Injectable()
export class TotpService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: DataEncryption,
    private readonly recoveryCodes: RecoveryCodesService,
    @Inject(mfaConfig.KEY) private readonly config: ConfigType<typeof mfaConfig>,
  ) {}

  /** A new pending secret (replacing a pending one); 409 when TOTP is already on. */
  async setUp(userId: string, email: string): Promise<TotpEnrolment> {
    const { generateSecret, generateURI } = await otplib();
    const secret = generateSecret();
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO totp_secrets (user_id, secret_encrypted) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE
         SET secret_encrypted = EXCLUDED.secret_encrypted, created_at = now(), last_used_step = NULL
         WHERE totp_secrets.confirmed_at IS NULL
       RETURNING 1`,
      [userId, this.encryption.encrypt(secret, userId)],
    );
    if (rows.length === 0) {
      throw conflict(ErrorCode.TotpAlreadyEnabled, 'TOTP is already on; turn it off first');
    }
    const otpauthUri = generateURI({ issuer: this.config.totpIssuer, label: email, secret });
    const { default: QRCode } = await qrcode();
    const qrCodeSvg = await QRCode.toString(otpauthUri, { type: 'svg', margin: 1 });
    return { secret, otpauthUri, qrCodeSvg };
  }

  /**
   * Turns the pending secret on when `code` matches it, with a new set of recovery codes;
   * false for a wrong code. 409 when nothing is pending.
   */
  async confirm(userId: string, code: string): Promise<string[] | false> {
    const [row] = await this.dataSource.query(
      `SELECT secret_encrypted, confirmed_at FROM totp_secrets WHERE user_id = $1`,
      [userId],
    );
    if (!row) throw conflict(ErrorCode.TotpSetupRequired, 'Set TOTP up first');
    if (row.confirmed_at) throw conflict(ErrorCode.TotpAlreadyEnabled, 'TOTP is already on');
    const step = await this.matchingStep(userId, row.secret_encrypted, code, null);
    if (step === undefined) return false;
    return this.dataSource.transaction(async (manager) => {
      const confirmed: unknown[] = await manager.query(
        `WITH confirmed AS (
           UPDATE totp_secrets SET confirmed_at = now(), last_used_step = $2
            WHERE user_id = $1 AND confirmed_at IS NULL RETURNING 1)
         SELECT * FROM confirmed`,
        [userId, step],
      );
      if (confirmed.length === 0) {
        throw conflict(ErrorCode.TotpAlreadyEnabled, 'TOTP is already on');
      }
      return this.recoveryCodes.replace(manager, userId);
    });
  }

  /** Whether `code` is a current, unused code of the user's active secret (spending it if so). */
  async verify(userId: string, code: string): Promise<boolean> {
    const [row] = await this.dataSource.query(
      `SELECT secret_encrypted, last_used_step FROM totp_secrets
        WHERE user_id = $1 AND confirmed_at IS NOT NULL`,
      [userId],
    );
    if (!row) return false;
    const last = row.last_used_step === null ? null : Number(row.last_used_step);
    const step = await this.matchingStep(userId, row.secret_encrypted, code, last);
    if (step === undefined) return false;
    const spent: unknown[] = await this.dataSource.query(
      `WITH spent AS (
         UPDATE totp_secrets SET last_used_step = $2
          WHERE user_id = $1 AND confirmed_at IS NOT NULL
            AND (last_used_step IS NULL OR last_used_step < $2)
         RETURNING 1)
       SELECT * FROM spent`,
      [userId, step],
    );
    return spent.length > 0;
  }

  async isEnabled(userId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM totp_secrets WHERE user_id = $1 AND confirmed_at IS NOT NULL`,
      [userId],
    );
    return rows.length > 0;
  }

  /** Removes the secret (pending or active) and the recovery codes; false when there was none. */
  async remove(manager: EntityManager, userId: string): Promise<boolean> {
    const removed: { confirmed_at: Date | null }[] = await manager.query(
      `WITH removed AS (DELETE FROM totp_secrets WHERE user_id = $1 RETURNING confirmed_at)
       SELECT * FROM removed`,
      [userId],
    );
    await this.recoveryCodes.removeAll(manager, userId);
    return removed.some((row) => row.confirmed_at !== null);
  }

  private async matchingStep(
    userId: string,
    encrypted: string,
    code: string,
    afterStep: number | null,
  ): Promise<number | undefined> {
    if (!/^\d{6}$/.test(code)) return undefined;
    const secret = this.encryption.decrypt(encrypted, userId);
    const { verify } = await otplib();
    const result = await verify({
      secret,
      token: code,
      epochTolerance: DRIFT_SECONDS,
      ...(afterStep !== null && { afterTimeStep: afterStep }),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : undefined;
  }
}
