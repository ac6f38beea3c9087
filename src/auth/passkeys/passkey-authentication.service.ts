import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { DataSource } from 'typeorm';
import type { ClientInfo } from '../../common/client-info.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { accountEmailConfig } from '../../config/mail.config.js';
import { mfaConfig } from '../../config/mfa.config.js';
import type { Role } from '../../users/role.js';
import { AuthService } from '../auth.service.js';
import { emailNotVerified } from '../email-not-verified.js';
import type { TokenResponseDto } from '../dto/token-response.dto.js';
import { DataEncryption } from '../mfa/data-encryption.js';
import { MfaEvent } from '../mfa/mfa-events.js';
import {
  CHALLENGE_TTL_SECONDS,
  WebauthnChallengesService,
  type ChallengePurpose,
} from './webauthn-challenges.service.js';
import { asAuthenticationResponse, challengeOf } from './webauthn-json.js';
import { webauthnLibrary } from './webauthn-library.js';

/** RFC 8176: `hwk` for a key bound to one authenticator, `swk` for one synced between devices. */
export type PasskeyAmr = 'hwk' | 'swk';

type AssertionPurpose = Exclude<ChallengePurpose, 'registration'>;

/** A verified assertion: whose passkey it was, and what kind of key. */
export interface VerifiedPasskey {
  userId: string;
  email: string;
  roles: Role[];
  sessionsValidAfter: Date;
  emailVerified: boolean;
  passkeyId: string;
  amr: PasskeyAmr;
}

interface CredentialRow {
  id: string;
  user_id: string;
  public_key: Buffer;
  counter: string | number;
  transports: string[];
  email: string;
  roles: Role[];
  sessions_valid_after: Date;
  email_verified: boolean;
  disabled: boolean;
}

type Outcome = 'verified' | 'failed' | 'disabled' | 'counter_not_increased';

const invalidPasskey = (message = 'The passkey could not be verified') =>
  new UnauthorizedException({ code: ErrorCode.InvalidPasskey, message });

/**
 * Signing in with a passkey: the assertion options (for an email's passkeys, for any passkey of
 * this site, or for the second step of a password sign-in) and the verification of the answer,
 * counted against the sign-in lockout like a password. The signature counter must grow (or stay
 * 0 for authenticators that keep none); one that does not is refused and audited as a possible
 * clone, in the same conditional UPDATE that records the new value.
 */
@Injectable()
export class PasskeyAuthenticationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly challenges: WebauthnChallengesService,
    private readonly encryption: DataEncryption,
    private readonly events: EventEmitter2,
    @Inject(mfaConfig.KEY) private readonly config: ConfigType<typeof mfaConfig>,
    @Inject(accountEmailConfig.KEY)
    private readonly emailConfig: ConfigType<typeof accountEmailConfig>,
  ) {}

  /**
   * Passwordless options. Without an email: discoverable credentials (the authenticator offers
   * the passkeys it holds for this site). With one: its passkeys; for an email without an account
   * or without passkeys, a stand-in credential id derived from the email under a server key, so
   * the answer looks the same and stays the same, and tells nobody whether the account exists.
   */
  async passwordlessOptions(email?: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    if (email === undefined) return this.options('authentication', null, undefined);
    const rows: { user_id: string; credential_id: Buffer | null }[] = await this.dataSource.query(
      `SELECT u.id AS user_id, c.credential_id FROM users u
         LEFT JOIN webauthn_credentials c ON c.user_id = u.id
        WHERE u.email = $1 ORDER BY c.created_at`,
      [email],
    );
    const ids: Buffer[] = rows.flatMap((row) =>
      row.credential_id ? [Buffer.from(row.credential_id)] : [],
    );
    if (ids.length === 0) ids.push(this.encryption.mac('passkey-stand-in', email));
    return this.options('authentication', rows[0]?.user_id ?? null, ids);
  }

  /** The `webauthnOptions` of an `mfaRequired` answer: the user's passkeys, bound to the user. */
  async secondFactorOptions(userId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const rows: { credential_id: Buffer }[] = await this.dataSource.query(
      `SELECT credential_id FROM webauthn_credentials WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
    return this.options(
      'second_factor',
      userId,
      rows.map((row) => Buffer.from(row.credential_id)),
    );
  }

  /**
   * A passwordless sign-in: 200 tokens with `amr: ["hwk"]` or `["swk"]`; 403
   * `email_not_verified` under REQUIRE_VERIFIED_EMAIL, as a right password would be.
   */
  async signIn(response: Record<string, unknown>, client: ClientInfo): Promise<TokenResponseDto> {
    const passkey = await this.verify(response, 'authentication', client);
    if (this.emailConfig.requireVerifiedEmail && !passkey.emailVerified) throw emailNotVerified();
    const tokens = await this.auth.signIn(
      {
        id: passkey.userId,
        email: passkey.email,
        roles: passkey.roles,
        sessionsValidAfter: passkey.sessionsValidAfter,
        amr: [passkey.amr],
      },
      client,
    );
    this.events.emit(MfaEvent.PasskeyLoginSucceeded, {
      userId: passkey.userId,
      actorId: passkey.userId,
      client,
      method: 'webauthn',
      details: { passkeyId: passkey.passkeyId, amr: passkey.amr },
    });
    return tokens;
  }

  /**
   * Verifies an assertion against a live challenge of `purpose` (spent whatever the outcome) and
   * the stored credential, as a counted sign-in attempt of its account. `userId`: the account it
   * must belong to (the second step of a password sign-in). 401 `invalid_passkey` otherwise;
   * 429 when the account's sign-ins are locked.
   */
  async verify(
    raw: Record<string, unknown>,
    purpose: AssertionPurpose,
    client: ClientInfo,
    userId?: string,
  ): Promise<VerifiedPasskey> {
    const response = asAuthenticationResponse(
      raw,
      purpose === 'second_factor' ? 'webauthn' : 'response',
    );
    const challenge = challengeOf(response);
    const consumed = challenge && (await this.challenges.consume(challenge, purpose));
    if (!consumed)
      throw invalidPasskey('The challenge is unknown, expired or used: ask for new options');
    if (userId !== undefined && consumed.userId !== userId) {
      this.failed(purpose, userId, client, { reason: 'challenge_of_another_user' });
      throw invalidPasskey();
    }
    const [row]: CredentialRow[] = await this.dataSource.query(
      `SELECT c.id, c.user_id, c.public_key, c.counter, c.transports, u.email, u.roles,
              u.sessions_valid_after, u.email_verified_at IS NOT NULL AS email_verified,
              u.disabled_at IS NOT NULL AS disabled
         FROM webauthn_credentials c JOIN users u ON u.id = c.user_id
        WHERE c.credential_id = $1`,
      [Buffer.from(response.id, 'base64url')],
    );
    // A challenge begun for one account (an email, a password sign-in) takes only its passkeys.
    if (!row || (consumed.userId !== null && row.user_id !== consumed.userId)) {
      if (consumed.userId) {
        this.failed(purpose, consumed.userId, client, { reason: 'unknown_credential' });
      }
      throw invalidPasskey();
    }
    const state: { outcome: Outcome; amr: PasskeyAmr; counters?: Record<string, number> } = {
      outcome: 'failed',
      amr: 'hwk',
    };
    const passed = await this.auth.countedAttempt(row.email, client, async () => {
      if (row.disabled) {
        state.outcome = 'disabled';
        return false;
      }
      const info = await this.check(response, challenge, row, purpose);
      if (!info) return false;
      state.counters = { storedCounter: Number(row.counter), receivedCounter: info.newCounter };
      if (!(await this.spend(row.id, info.newCounter, info.credentialBackedUp))) {
        state.outcome = 'counter_not_increased';
        return false;
      }
      state.amr = info.credentialBackedUp ? 'swk' : 'hwk';
      state.outcome = 'verified';
      return true;
    });
    if (!passed) {
      if (state.outcome === 'counter_not_increased') {
        this.events.emit(MfaEvent.PasskeyCloneDetected, {
          userId: row.user_id,
          client,
          method: 'webauthn',
          details: { passkeyId: row.id, ...state.counters },
        });
      } else {
        this.failed(purpose, row.user_id, client, { passkeyId: row.id, reason: state.outcome });
      }
      throw invalidPasskey();
    }
    return {
      userId: row.user_id,
      email: row.email,
      roles: row.roles,
      sessionsValidAfter: new Date(row.sessions_valid_after),
      emailVerified: row.email_verified,
      passkeyId: row.id,
      amr: state.amr,
    };
  }

  private async options(
    purpose: AssertionPurpose,
    userId: string | null,
    credentialIds: Buffer[] | undefined,
  ): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const { generateAuthenticationOptions } = await webauthnLibrary();
    const options = await generateAuthenticationOptions({
      rpID: this.config.webauthn.rpId,
      // Without transports: the same shape for real and stand-in credentials.
      allowCredentials: credentialIds?.map((id) => ({ id: id.toString('base64url') })),
      // Alone, a passkey must prove the user too (RFC 8176 `user`); after a password, presence.
      userVerification: purpose === 'authentication' ? 'required' : 'preferred',
      timeout: CHALLENGE_TTL_SECONDS * 1000,
    });
    await this.challenges.record(options.challenge, purpose, userId);
    return options;
  }

  /**
   * The library's verification of origin, RP ID, challenge, flags and signature; undefined when
   * it fails. The stored counter is not given to it (0): the counter is compared in `spend`,
   * atomically with its update, so a backwards counter is told apart from a bad signature.
   */
  private async check(
    response: AuthenticationResponseJSON,
    challenge: string,
    row: CredentialRow,
    purpose: AssertionPurpose,
  ) {
    try {
      const { verifyAuthenticationResponse } = await webauthnLibrary();
      const result = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.config.webauthn.origins,
        expectedRPID: this.config.webauthn.rpId,
        credential: {
          id: response.id,
          publicKey: new Uint8Array(row.public_key),
          counter: 0,
          transports: row.transports as AuthenticatorTransport[],
        },
        requireUserVerification: purpose === 'authentication',
      });
      return result.verified ? result.authenticationInfo : undefined;
    } catch {
      return undefined;
    }
  }

  /** Records the new counter if it grew (or both are 0); false when it did not: a clone. */
  private async spend(id: string, counter: number, backedUp: boolean): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH spent AS (
         UPDATE webauthn_credentials
            SET counter = $2, backed_up = $3, last_used_at = now()
          WHERE id = $1 AND (counter < $2 OR (counter = 0 AND $2 = 0))
          RETURNING 1)
       SELECT * FROM spent`,
      [id, counter, backedUp],
    );
    return rows.length > 0;
  }

  private failed(
    purpose: AssertionPurpose,
    userId: string,
    client: ClientInfo,
    details: Record<string, unknown>,
  ): void {
    const event = purpose === 'second_factor' ? MfaEvent.LoginFailed : MfaEvent.PasskeyLoginFailed;
    this.events.emit(event, { userId, client, method: 'webauthn', details });
  }
}
