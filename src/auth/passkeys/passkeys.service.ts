import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import { DataSource, type EntityManager } from 'typeorm';
import type { ClientInfo } from '../../common/client-info.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { mfaConfig } from '../../config/mfa.config.js';
import { UsersService } from '../../users/users.service.js';
import type { AuthUser } from '../auth-user.js';
import { MfaEvent, type MfaEventPayload } from '../mfa/mfa-events.js';
import type { PasskeyRegistrationDto } from './dto/passkey-registration.dto.js';
import type { PasskeyDto, RegisteredPasskeyDto } from './dto/passkey-response.dto.js';
import { CHALLENGE_TTL_SECONDS, WebauthnChallengesService } from './webauthn-challenges.service.js';
import { asRegistrationResponse, challengeOf } from './webauthn-json.js';
import { webauthnLibrary } from './webauthn-library.js';

const DEFAULT_NAME = 'Passkey';

/** For a signed-in route: 400, not 401, so the client does not take its token for refused. */
const invalidRegistration = (message: string) =>
  new BadRequestException({ code: ErrorCode.InvalidPasskey, message });

/**
 * The WebAuthn user handle: the account's UUID as its 16 bytes. It identifies the account to the
 * authenticator and says nothing about the person (WebAuthn §14.6.1).
 */
export const userHandle = (userId: string) =>
  new Uint8Array(Buffer.from(userId.replace(/-/g, ''), 'hex'));

/** The caller's passkeys: registering one (options, then the authenticator's answer), listing, removing. */
@Injectable()
export class PasskeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly challenges: WebauthnChallengesService,
    private readonly events: EventEmitter2,
    @Inject(mfaConfig.KEY) private readonly config: ConfigType<typeof mfaConfig>,
  ) {}

  /**
   * Options for `navigator.credentials.create()`: a discoverable credential (so it can sign in
   * without an email), user verification preferred, no attestation (nothing here decides by
   * authenticator model), and the user's existing passkeys excluded.
   */
  async registrationOptions(user: AuthUser): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const profile = await this.users.findProfile(user.userId);
    const existing: { credential_id: Buffer; transports: string[] }[] = await this.dataSource.query(
      `SELECT credential_id, transports FROM webauthn_credentials WHERE user_id = $1`,
      [user.userId],
    );
    const { rpId, rpName } = this.config.webauthn;
    const { generateRegistrationOptions } = await webauthnLibrary();
    const options = await generateRegistrationOptions({
      rpName,
      rpID: rpId,
      userName: profile.email,
      userDisplayName: profile.displayName ?? profile.email,
      userID: userHandle(user.userId),
      attestationType: 'none',
      excludeCredentials: existing.map((row) => ({
        id: Buffer.from(row.credential_id).toString('base64url'),
        transports: row.transports,
      })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      timeout: CHALLENGE_TTL_SECONDS * 1000,
    });
    await this.challenges.record(options.challenge, 'registration', user.userId);
    return options;
  }

  /**
   * Verifies the authenticator's answer to the caller's registration options and stores the
   * passkey. 400 `invalid_passkey` for a challenge that is not the caller's live one, a wrong
   * origin or RP ID, or a response that does not verify; 409 when it is already registered.
   */
  async register(
    user: AuthUser,
    dto: PasskeyRegistrationDto,
    client: ClientInfo,
  ): Promise<RegisteredPasskeyDto> {
    const response = asRegistrationResponse(dto.response);
    const challenge = challengeOf(response);
    const consumed = challenge && (await this.challenges.consume(challenge, 'registration'));
    if (!consumed || consumed.userId !== user.userId) {
      throw invalidRegistration('The challenge is unknown, expired or used: ask for new options');
    }
    let verification: VerifiedRegistrationResponse;
    try {
      const { verifyRegistrationResponse } = await webauthnLibrary();
      verification = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.config.webauthn.origins,
        expectedRPID: this.config.webauthn.rpId,
        requireUserVerification: false,
      });
    } catch {
      throw invalidRegistration('The passkey response does not verify');
    }
    if (!verification.verified) throw invalidRegistration('The passkey response does not verify');
    const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
    const [row] = await this.dataSource.query(
      `INSERT INTO webauthn_credentials
         (user_id, credential_id, public_key, counter, transports, device_type, backed_up, name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (credential_id) DO NOTHING
       RETURNING id, name, created_at`,
      [
        user.userId,
        Buffer.from(credential.id, 'base64url'),
        Buffer.from(credential.publicKey),
        credential.counter,
        credential.transports ?? [],
        credentialDeviceType,
        credentialBackedUp,
        dto.name ?? DEFAULT_NAME,
      ],
    );
    if (!row) {
      throw new ConflictException({
        code: ErrorCode.Conflict,
        message: 'This passkey is already registered',
      });
    }
    this.emit(MfaEvent.PasskeyRegistered, {
      userId: user.userId,
      actorId: user.userId,
      client,
      method: 'webauthn',
      details: { passkeyId: row.id, name: row.name, backedUp: credentialBackedUp },
    });
    return { id: row.id, name: row.name, createdAt: row.created_at };
  }

  async list(user: AuthUser): Promise<PasskeyDto[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, name, created_at, last_used_at, backed_up FROM webauthn_credentials
        WHERE user_id = $1 ORDER BY created_at, id`,
      [user.userId],
    );
    return rows.map((row) => ({
      id: row.id as string,
      name: row.name as string,
      createdAt: row.created_at as Date,
      lastUsedAt: (row.last_used_at as Date | null) ?? null,
      backedUp: row.backed_up as boolean,
    }));
  }

  /** 404 `passkey_not_found` when `id` is not one of the caller's passkeys. */
  async remove(user: AuthUser, id: string, client: ClientInfo): Promise<void> {
    const [row] = await this.dataSource.query(
      `WITH removed AS (
         DELETE FROM webauthn_credentials WHERE id = $1 AND user_id = $2 RETURNING id, name)
       SELECT * FROM removed`,
      [id, user.userId],
    );
    if (!row) {
      throw new NotFoundException({
        code: ErrorCode.PasskeyNotFound,
        message: 'No such passkey among yours',
      });
    }
    this.emit(MfaEvent.PasskeyRemoved, {
      userId: user.userId,
      actorId: user.userId,
      client,
      method: 'webauthn',
      details: { passkeyId: row.id, name: row.name },
    });
  }

  /** Every passkey of the user, within `manager`'s transaction (the administrator's reset). */
  async removeAll(manager: EntityManager, userId: string): Promise<number> {
    const removed: unknown[] = await manager.query(
      `WITH removed AS (DELETE FROM webauthn_credentials WHERE user_id = $1 RETURNING 1)
       SELECT * FROM removed`,
      [userId],
    );
    return removed.length;
  }

  private emit(event: string, payload: MfaEventPayload): void {
    this.events.emit(event, payload);
  }
}
