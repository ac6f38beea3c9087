import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { notifyRevoked } from './revocation-feed.js';
import { RevokedSessions } from './revoked-sessions.js';

/**
 * Revokes access tokens that have no session: a service token by its `jti`, or every token of a
 * deleted service account by its client id. Recorded in `revoked_token_ids` and announced on the
 * sessions' revocation channel, so every instance refuses them from memory like a revoked
 * session, for as long as such a token can live (the cleanup job deletes older rows).
 */
@Injectable()
export class TokenRevocations {
  constructor(
    private readonly dataSource: DataSource,
    private readonly revoked: RevokedSessions,
  ) {}

  /** Within `manager`'s transaction when given (other instances hear of it on commit). */
  async revoke(ids: string[], manager?: EntityManager): Promise<void> {
    if (ids.length === 0) return;
    const work = async (within: EntityManager) => {
      await within.query(
        `INSERT INTO revoked_token_ids (id) SELECT unnest($1::uuid[])
         ON CONFLICT (id) DO NOTHING`,
        [ids],
      );
      await notifyRevoked(within, ids);
    };
    if (manager) await work(manager);
    else await this.dataSource.transaction(work);
    this.revoked.add(ids);
  }
}
