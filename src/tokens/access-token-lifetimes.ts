import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { sessionsConfig } from '../config/sessions.config.js';

/** How long a renewal vouches for this instance's lifetime: two renewals, so one may be late. */
export const LIFETIME_RENEWAL_SECONDS = 60;

/**
 * The access-token lifetimes in use across instances and restarts (`access_token_lifetimes`):
 * each instance records its own ACCESS_TOKEN_TTL, renewed while it runs, and reads the longest
 * whose tokens may still be unexpired. A lowered TTL, or an instance configured apart, cannot
 * shorten how long a revocation must be remembered.
 */
@Injectable()
export class AccessTokenLifetimes {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(sessionsConfig.KEY) private readonly config: ConfigType<typeof sessionsConfig>,
  ) {}

  /**
   * Records that this instance issues its lifetime for the next two renewal periods, and returns
   * the longest lifetime any token still unexpired may have (seconds). One statement; the
   * SELECT cannot see the row the CTE writes, hence GREATEST with our own.
   */
  async renew(): Promise<number> {
    const own = this.config.accessTokenTtlSeconds;
    const [row] = await this.dataSource.query<{ longest: number }[]>(
      `WITH mine AS (
         INSERT INTO access_token_lifetimes (lifetime_seconds, issuing_until)
         VALUES ($1, now() + make_interval(secs => $2))
         ON CONFLICT (lifetime_seconds) DO UPDATE
           SET issuing_until = GREATEST(access_token_lifetimes.issuing_until, EXCLUDED.issuing_until))
       SELECT GREATEST($1, max(lifetime_seconds))::int AS longest
         FROM access_token_lifetimes
        WHERE issuing_until + make_interval(secs => lifetime_seconds) > now()`,
      [own, 2 * LIFETIME_RENEWAL_SECONDS],
    );
    return row.longest;
  }
}
