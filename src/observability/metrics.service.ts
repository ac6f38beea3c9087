import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type LoginOutcome = 'success' | 'invalid_credentials' | 'locked';
export type RefreshOutcome = 'success' | 'retried' | 'reuse_detected' | 'refused';
export type MailOutcome = 'sent' | 'retrying' | 'failed';

const LOGIN_OUTCOMES: LoginOutcome[] = ['success', 'invalid_credentials', 'locked'];
const REFRESH_OUTCOMES: RefreshOutcome[] = ['success', 'retried', 'reuse_detected', 'refused'];
const MAIL_OUTCOMES: MailOutcome[] = ['sent', 'retrying', 'failed'];

/** The label of requests no route matched (404s): one series, whatever URL was asked for. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The application's metrics, in a registry of its own rather than prom-client's global one, so
 * that several apps in one process (the e2e tests) neither clash nor add up.
 */
@Injectable()
export class MetricsService implements OnModuleDestroy {
  readonly registry = new Registry();

  private readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    // Verifying a token takes well under a millisecond, a login tens of milliseconds (argon2id).
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /**
   * Each label combination's series, found once: prom-client hashes the labels on every
   * `observe(labels, value)`. As bounded as the histogram itself (route patterns, not URLs).
   */
  private readonly requestSeries = new Map<
    string,
    Histogram.Internal<'method' | 'route' | 'status'>
  >();

  readonly logins = new Counter({
    name: 'sentinel_logins_total',
    help: 'Sign-in attempts, by outcome (locked: refused without checking the password)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly lockouts = new Counter({
    name: 'sentinel_login_lockouts_total',
    help: 'Lockouts set: an address out of an email (LOGIN_MAX_FAILURES) or an email for everyone',
    registers: [this.registry],
  });

  readonly refreshes = new Counter({
    name: 'sentinel_token_refreshes_total',
    help: 'Refresh-token presentations, by outcome (reuse_detected: the session was revoked)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly sessionsRevoked = new Counter({
    name: 'sentinel_sessions_revoked_total',
    help: 'Sessions revoked, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly mailDeliveries = new Counter({
    name: 'sentinel_mail_deliveries_total',
    help: 'Outbox delivery attempts, by outcome (failed: the last allowed attempt failed; never sent)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Every known outcome is exported from the start, at 0, so that rate() sees the first one.
    for (const outcome of LOGIN_OUTCOMES) this.logins.inc({ outcome }, 0);
    for (const outcome of REFRESH_OUTCOMES) this.refreshes.inc({ outcome }, 0);
    for (const outcome of MAIL_OUTCOMES) this.mailDeliveries.inc({ outcome }, 0);
  }

  /**
   * One observation per request. `route` is the pattern (`/users/:id`), never the URL: ids in
   * labels would make a new series per user.
   */
  observeRequest(method: string, route: string | undefined, status: number, ms: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.requestSeries.get(key);
    if (series === undefined) {
      series = this.requestDuration.labels({
        method,
        route: route ?? UNMATCHED_ROUTE,
        status: String(status),
      });
      this.requestSeries.set(key, series);
    }
    series.observe(ms / 1000);
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  onModuleDestroy(): void {
    this.registry.clear();
  }
}
