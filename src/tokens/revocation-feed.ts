import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import pg from 'pg';
import type { EntityManager } from 'typeorm';
import { sessionsConfig } from '../config/sessions.config.js';
import { RevokedSessions } from './revoked-sessions.js';

export const REVOCATION_CHANNEL = 'sentinel_sessions_revoked';
/** Names the LISTEN connection in pg_stat_activity. */
export const REVOCATION_FEED_APPLICATION = 'sentinel-revocation-feed';
/** NOTIFY payloads are limited to 8000 bytes; 100 quoted uuids stay well under. */
const IDS_PER_NOTIFICATION = 100;
const MAX_RETRY_DELAY_MS = 10_000;

/** Announces revocations to every instance, inside the revoking transaction (sent on commit). */
export async function notifyRevoked(manager: EntityManager, sessionIds: string[]): Promise<void> {
  for (let start = 0; start < sessionIds.length; start += IDS_PER_NOTIFICATION) {
    const chunk = sessionIds.slice(start, start + IDS_PER_NOTIFICATION);
    await manager.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, JSON.stringify(chunk)]);
  }
}

/**
 * Keeps `RevokedSessions` current with the other instances' revocations through PostgreSQL
 * LISTEN/NOTIFY on a dedicated connection. When the connection drops it reconnects with backoff
 * and reloads from the table what it may have missed. Only on a PostgreSQL server: the embedded
 * database belongs to one process, which learns of its own revocations directly.
 */
@Injectable()
export class RevocationFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationFeed');
  private client?: pg.Client;
  private retryDelayMs = 250;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly revoked: RevokedSessions,
    @Inject(sessionsConfig.KEY) private readonly config: ConfigType<typeof sessionsConfig>,
  ) {}

  /** Whether the LISTEN connection is up (for tests and health). */
  get listening(): boolean {
    return this.client !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.databaseUrl) return;
    if (!(await this.connect())) this.scheduleReconnect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<boolean> {
    const client = new pg.Client({
      connectionString: this.config.databaseUrl,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      application_name: REVOCATION_FEED_APPLICATION,
    });
    client.on('notification', (message) => this.receive(message.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
      if (this.stopped) {
        await client.end();
        return false;
      }
      this.client = client;
      this.retryDelayMs = 250;
      return true;
    } catch (error) {
      this.logger.warn(`Cannot listen for revocations: ${(error as Error).message}`);
      await client.end().catch(() => undefined);
      return false;
    }
  }

  private receive(payload: string | undefined): void {
    try {
      const ids: unknown = JSON.parse(payload ?? '[]');
      if (Array.isArray(ids)) this.revoked.add(ids.filter((id) => typeof id === 'string'));
    } catch {
      this.logger.warn('Ignored a malformed revocation notification');
    }
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.stopped) return;
    this.logger.warn(`Revocation feed lost${error ? `: ${error.message}` : ''}; reconnecting`);
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(async () => {
      if (this.stopped) return;
      if (await this.connect()) {
        // Revocations made while we were deaf were not delivered: read them from the table.
        await this.revoked.load().catch((error: Error) => this.logger.warn(error.message));
        this.logger.log('Revocation feed restored');
      } else {
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, MAX_RETRY_DELAY_MS);
        this.scheduleReconnect();
      }
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }
}
