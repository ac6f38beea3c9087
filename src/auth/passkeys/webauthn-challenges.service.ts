import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sha256 } from '../../common/sha256.js';

/** How long a ceremony may take, from its options to its response. */
export const CHALLENGE_TTL_SECONDS = 300;

/**
 * What a challenge was issued for: registering a passkey, a passwordless sign-in, or the second
 * step of a password sign-in. A challenge serves only its own purpose.
 */
export type ChallengePurpose = 'registration' | 'authentication' | 'second_factor';

export interface ConsumedChallenge {
  /** The user the ceremony was begun for; null for a discoverable (usernameless) sign-in. */
  userId: string | null;
}

/**
 * WebAuthn challenges (the random bytes the authenticator signs), kept in the database so any
 * instance finishes a ceremony another began. Stored as SHA-256 with a purpose, the user when
 * known and an expiry; consumed by one DELETE, so a challenge verifies once even when two
 * instances receive the same response at the same moment.
 */
@Injectable()
export class WebauthnChallengesService {
  constructor(private readonly dataSource: DataSource) {}

  /** Records the challenge that `@simplewebauthn/server` generated into the options. */
  async record(challenge: string, purpose: ChallengePurpose, userId: string | null): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO webauthn_challenges (challenge_hash, purpose, user_id, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
      [sha256(challenge), purpose, userId, CHALLENGE_TTL_SECONDS],
    );
  }

  /** Spends the challenge; undefined when it is unknown, expired, used, or of another purpose. */
  async consume(
    challenge: string,
    purpose: ChallengePurpose,
  ): Promise<ConsumedChallenge | undefined> {
    const [row] = await this.dataSource.query(
      `WITH spent AS (
         DELETE FROM webauthn_challenges
          WHERE challenge_hash = $1 AND purpose = $2 AND expires_at > now()
          RETURNING user_id)
       SELECT * FROM spent`,
      [sha256(challenge), purpose],
    );
    return row && { userId: row.user_id ?? null };
  }
}
