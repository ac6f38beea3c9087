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
const FIRST_RETRY_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 5_000;
const CONNECT_TIMEOUT_MS = 5_000;

/** Announces revocations to every instance, inside the revoking transaction (sent on commit). */
export async function notifyRevoked(manager: EntityManager, sessionIds: string[]): Promise<void> {
  for (let start = 0; start < sessionIds.length; start += IDS_PER_NOTIFICATION) {
    const chunk = sessionIds.slice(start, start + IDS_PER_NOTIFICATION);
    await manager.query('SELECT pg_notify($1, $2)', [REVOCATION_CHANNEL, JSON.stringify(chunk)]);
  }
}

/** Another module's cache kept current through the feed's connection (API keys, say). */
export interface FeedSubscriber {
  /** A notification on the subscriber's channel. */
  receive(payload: string): void;
  /** The feed had a gap (or is deaf): notifications may have been lost; forget what is cached. */
  reset(): void;
}

/**
 * Keeps `RevokedSessions` current with the other instances' revocations through PostgreSQL
 * LISTEN/NOTIFY on a dedicated connection (ADR 0004, ADR 0013). The order closes every gap:
 * LISTEN first, then load from the table, so a revocation committed in between is either loaded
 * or notified. A heartbeat on the same connection finds a connection that died without closing
 * (the OS keepalive would take hours); then it reconnects with backoff, LISTENs and loads again.
 * Until that reload has succeeded the feed is not confirmed, and an instance whose feed has been
 * unconfirmed for longer than REVOCATION_FEED_TIMEOUT reports itself not ready.
 *
 * Only on a PostgreSQL server: the embedded database belongs to one process, which learns of its
 * own revocations directly and has nothing to listen to.
 */
@Injectable()
export class RevocationFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationFeed');
  private client?: pg.Client;
  /** When the feed was last known to deliver everything (epoch ms); 0: never yet. */
  private confirmedAt = 0;
  private retryDelayMs = FIRST_RETRY_DELAY_MS;
  private retryTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private stopped = false;
  private readonly subscribers = new Map<string, FeedSubscriber>();

  constructor(
    private readonly revoked: RevokedSessions,
    @Inject(sessionsConfig.KEY) private readonly config: ConfigType<typeof sessionsConfig>,
  ) {}

  /**
   * False while the feed has gone unconfirmed for longer than the timeout: this instance may be
   * accepting revoked tokens, so a load balancer should route elsewhere. Always true on the
   * embedded database.
   */
  isCurrent(now = Date.now()): boolean {
    return !this.config.databaseUrl || now - this.confirmedAt <= this.config.feedTimeoutMs;
  }

  /**
   * Delivers `channel`'s notifications to `subscriber` too, on the same connection. Call before
   * the application bootstraps (from a constructor or `onModuleInit`).
   */
  subscribe(channel: string, subscriber: FeedSubscriber): void {
    this.subscribers.set(channel, subscriber);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.databaseUrl) {
      await this.revoked.load();
      return;
    }
    if (!(await this.connect())) {
      // Not listening yet: load now anyway, and again once the feed is up.
      await this.revoked.load();
      this.scheduleReconnect();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.heartbeatTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** LISTEN, then load: what is committed before the load is read, anything after is notified. */
  private async connect(): Promise<boolean> {
    const client = new pg.Client({
      connectionString: this.config.databaseUrl,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: REVOCATION_FEED_APPLICATION,
    });
    client.on('notification', (message) => {
      const subscriber = this.subscribers.get(message.channel);
      if (subscriber) subscriber.receive(message.payload ?? '');
      else this.receive(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
      for (const channel of this.subscribers.keys()) await client.query(`LISTEN ${channel}`);
      await this.revoked.load();
      for (const subscriber of this.subscribers.values()) subscriber.reset();
      if (this.stopped) {
        await client.end();
        return false;
      }
      this.client = client;
      this.retryDelayMs = FIRST_RETRY_DELAY_MS;
      this.confirmedAt = Date.now();
      this.scheduleHeartbeat(client);
      return true;
    } catch (error) {
      // Not a mere warning: until this succeeds the instance reports itself not ready.
      this.logger.error(`Cannot follow revocations: ${(error as Error).message}`);
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

  /**
   * A query on the LISTEN connection itself, answered within one interval: a dead peer or a
   * silently dropped route shows up as a timeout, where the connection would look open for hours.
   */
  private scheduleHeartbeat(client: pg.Client): void {
    this.heartbeatTimer = setTimeout(() => {
      const timeout = setTimeout(
        () => this.lost(client, new Error('heartbeat unanswered')),
        this.config.feedHeartbeatMs,
      ).unref();
      client.query('SELECT 1').then(
        () => {
          clearTimeout(timeout);
          if (this.client !== client) return;
          this.confirmedAt = Date.now();
          this.scheduleHeartbeat(client);
        },
        (error: Error) => {
          clearTimeout(timeout);
          this.lost(client, error);
        },
      );
    }, this.config.feedHeartbeatMs);
    this.heartbeatTimer.unref();
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearTimeout(this.heartbeatTimer);
    if (this.stopped) return;
    this.logger.error(`Revocation feed lost${error ? `: ${error.message}` : ''}; reconnecting`);
    for (const subscriber of this.subscribers.values()) subscriber.reset();
    // With the heartbeat still in flight, end() destroys the socket rather than wait on the peer.
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(async () => {
      if (this.stopped) return;
      if (await this.connect()) {
        this.logger.log('Revocation feed restored');
      } else {
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, MAX_RETRY_DELAY_MS);
        this.scheduleReconnect();
      }
    }, this.retryDelayMs);
    this.retryTimer.unref();
  }
}
