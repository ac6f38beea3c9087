import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { deleteInBatches } from '../database/delete-in-batches.js';
import type { FlowChecks } from './oidc-strategy.js';
import { sha256 } from '../common/sha256.js';

/** A flow must come back from the provider within this: a person signing in, not a replay. */
const FLOW_TTL_SECONDS = 600;
/** The exchange code works once, within this (issue 15). */
const EXCHANGE_CODE_TTL_SECONDS = 60;

/** 256 random bits: what the browser (cookie) or the client (exchange code) holds. */
const newSecret = () => randomBytes(32).toString('base64url');
/** Only this is stored: a database leak gives no flow or code anyone can use. */

export interface NewFlow {
  provider: string;
  checks: FlowChecks;
  callbackUrl: string;
  returnTo: string;
  /** Set for a link flow: the signed-in user the identity is linked to. */
  linkUserId: string | null;
}

export interface Flow extends NewFlow {
  expired: boolean;
}

export interface RedeemedCode {
  userId: string;
  provider: string;
  sessionsValidAfter: Date;
}

/**
 * Flows under way and exchange codes, in PostgreSQL so that any instance can finish what another
 * started. Each is consumed by one DELETE … RETURNING: of two requests racing with one flow or
 * code, on one instance or two, exactly one gets it.
 */
@Injectable()
export class OidcFlows {
  private readonly logger = new Logger('OidcFlows');
  constructor(private readonly dataSource: DataSource) {}

  /** Stores the flow; returns the secret for the browser's cookie. */
  async save(flow: NewFlow): Promise<string> {
    const secret = newSecret();
    await this.dataSource.query(
      `INSERT INTO oidc_flows (id_hash, provider, state, nonce, code_verifier, callback_url,
                               return_to, link_user_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))`,
      [
        sha256(secret),
        flow.provider,
        flow.checks.state,
        flow.checks.nonce,
        flow.checks.code_verifier,
        flow.callbackUrl,
        flow.returnTo,
        flow.linkUserId,
        FLOW_TTL_SECONDS,
      ],
    );
    return secret;
  }

  /** The flow of this cookie, deleted as it is read (a replayed callback finds nothing). */
  async take(secret: string): Promise<Flow | null> {
    const [row] = await this.dataSource.query<
      {
        provider: string;
        state: string;
        nonce: string;
        code_verifier: string;
        callback_url: string;
        return_to: string;
        link_user_id: string | null;
        expired: boolean;
      }[]
    >(
      // In a CTE: TypeORM answers a bare DELETE with [rows, count] instead of the rows.
      `WITH taken AS (
         DELETE FROM oidc_flows WHERE id_hash = $1
         RETURNING provider, state, nonce, code_verifier, callback_url, return_to, link_user_id,
                   expires_at <= now() AS expired)
       SELECT * FROM taken`,
      [sha256(secret)],
    );
    if (!row) return null;
    return {
      provider: row.provider,
      checks: { state: row.state, nonce: row.nonce, code_verifier: row.code_verifier },
      callbackUrl: row.callback_url,
      returnTo: row.return_to,
      linkUserId: row.link_user_id,
      expired: row.expired,
    };
  }

  /** A one-time code for `POST /auth/oidc/exchange`, in place of tokens in the URL. */
  async issueCode(userId: string, provider: string, sessionsValidAfter: Date): Promise<string> {
    const code = newSecret();
    await this.dataSource.query(
      `INSERT INTO oidc_exchange_codes (code_hash, user_id, provider, sessions_valid_after,
                                        expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
      [sha256(code), userId, provider, sessionsValidAfter, EXCHANGE_CODE_TTL_SECONDS],
    );
    return code;
  }

  /** The code's sign-in, once; null when unknown, used or expired. */
  async redeemCode(code: string): Promise<RedeemedCode | null> {
    const [row] = await this.dataSource.query<
      { user_id: string; provider: string; sessions_valid_after: Date; expired: boolean }[]
    >(
      `WITH taken AS (
         DELETE FROM oidc_exchange_codes WHERE code_hash = $1
         RETURNING user_id, provider, sessions_valid_after, expires_at <= now() AS expired)
       SELECT * FROM taken`,
      [sha256(code)],
    );
    if (!row || row.expired) return null;
    return {
      userId: row.user_id,
      provider: row.provider,
      sessionsValidAfter: new Date(row.sessions_valid_after),
    };
  }

  /** Flows abandoned at the provider and codes never exchanged. */
  @Cron(CronExpression.EVERY_HOUR, { name: 'oidc-flows-cleanup' })
  async deleteExpired(): Promise<void> {
    try {
      await deleteInBatches(this.dataSource, 'oidc_flows', 'expires_at < now()');
      await deleteInBatches(this.dataSource, 'oidc_exchange_codes', 'expires_at < now()');
    } catch (error) {
      this.logger.warn(`Cleanup failed, will retry next hour: ${(error as Error).message}`);
    }
  }
}
