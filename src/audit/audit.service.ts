import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { ClientInfo } from '../common/client-info.js';
import { PreparedStatements } from '../database/prepared-statements.js';
import { RELAXED_COMMIT } from '../database/relaxed-commit.js';
import type { AuditEventType } from './audit-event-type.js';
import { AuditEvent } from './audit-event.entity.js';
import type { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto.js';

export interface AuditRecord {
  type: AuditEventType;
  userId?: string | null;
  /** The normalized email of the subject when its id is not known (a failed sign-in). */
  subjectEmail?: string;
  actorId?: string | null;
  client?: ClientInfo;
  details?: Record<string, unknown>;
}

/** How long shutdown waits for writes in flight: SIGTERM must finish within 10 s. */
const SHUTDOWN_WAIT_MS = 3_000;

/**
 * How long an event waits for others to share its insert, and how many may share one. Under
 * sign-in load a statement per event was one of the six round trips of every sign-in (issue 11);
 * batched, the insert costs a fraction of one. The price is that a crash of the process loses
 * the events of its last 100 ms, as a crash of the database loses its last moments' events
 * already (`RELAXED_COMMIT`); a clean shutdown writes them all.
 */
const BATCH_WINDOW_MS = 100;
const BATCH_MAX = 100;

/** The column sizes: a longer header is cut rather than the event lost. */
const clip = (value: string | undefined, length: number) => value?.slice(0, length) || null;

/** PostgreSQL refused a value (SQLSTATE classes 22 and 23), not the statement or the connection. */
const isDataError = (error: unknown) =>
  /^2[23]/.test(String((error as { code?: unknown } | null)?.code ?? ''));

/** An event waiting for its batch, with the microsecond it happened at (its `created_at`). */
interface QueuedRecord {
  event: AuditRecord;
  atMicros: number;
}

@Injectable()
export class AuditService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  private readonly pending = new Set<Promise<void>>();
  private queue: QueuedRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The newest time given: events of one millisecond keep their order (`list` sorts by it). */
  private lastMicros = 0;

  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly statements: PreparedStatements,
  ) {}

  /**
   * Queues the event for the next batch and returns at once. Never throws, and the write never
   * rejects: a failed write is a warning in the log, because writing an audit event must not fail
   * (or slow down) the request it records (issue 5). The cost of that choice is that an event can
   * be lost while the database is down; the request it describes would most likely have failed
   * then anyway.
   */
  record(event: AuditRecord): void {
    this.queue.push({ event, atMicros: this.nowMicros() });
    if (this.queue.length >= BATCH_MAX) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_WINDOW_MS).unref();
  }

  /** Newest first; filtered by subject and type (each has an index with `created_at`). */
  async list(query: ListAuditEventsQueryDto): Promise<{ items: AuditEvent[]; total: number }> {
    const { userId, type } = query;
    const [items, total] = await this.events.findAndCount({
      // Only the filters given: TypeORM refuses an undefined value in `where`.
      where: { ...(userId && { userId }), ...(type && { type }) },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: query.offset,
      take: query.limit,
    });
    return { items, total };
  }

  /** Writes the events waiting for their batch now, and waits for every write in flight. */
  async flushed(): Promise<void> {
    this.flush();
    await Promise.all(this.pending);
  }

  /**
   * Writes the waiting events and lets the writes in flight finish before the connection pool
   * closes (SIGTERM, tests), for a few seconds at most: with the database gone they would each
   * wait for a connection timeout.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const written = this.flushed();
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
    await Promise.race([written, timeout]);
    clearTimeout(timer);
    if (this.pending.size > 0) {
      this.logger.warn(`Audit batches not recorded at shutdown: ${this.pending.size}`);
    }
  }

  /** Starts the insert of every queued event. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    const write = this.insert(batch).catch(async (error: unknown) => {
      // A value the table refuses loses its own event only, not the batch it came with.
      if (batch.length > 1 && isDataError(error)) {
        await Promise.all(batch.map((one) => this.insert([one]).catch((e) => this.lost([one], e))));
      } else {
        this.lost(batch, error);
      }
    });
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  private lost(batch: QueuedRecord[], error: unknown): void {
    const types = [...new Set(batch.map(({ event }) => event.type))].join(', ');
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`Audit event${batch.length > 1 ? 's' : ''} ${types} not recorded: ${reason}`);
  }

  /** Now, or a microsecond after the last event when the clock has not moved on since. */
  private nowMicros(): number {
    this.lastMicros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    return this.lastMicros;
  }

  private async insert(batch: QueuedRecord[]): Promise<void> {
    const column = <T>(read: (record: QueuedRecord) => T) => batch.map(read);
    // One statement for the batch, one array per column, no transaction and no RETURNING. An
    // event that names its account by email only (a sign-in) has its id looked up here, off the
    // request. Its commit does not wait for the disk (`RELAXED_COMMIT`): recording is best
    // effort already (see `record`).
    await this.statements.query(
      'record_audit_events',
      `WITH ${RELAXED_COMMIT}
       INSERT INTO audit_events (type, user_id, actor_id, ip, user_agent, details, created_at)
       SELECT e.type, COALESCE(e.user_id, (SELECT id FROM users WHERE email = e.email)),
              e.actor_id, e.ip, e.user_agent, e.details,
              timestamptz 'epoch' + e.at_micros * interval '1 microsecond'
         FROM relaxed_commit,
              unnest($1::text[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[],
                     $7::jsonb[], $8::int8[])
                AS e(type, user_id, email, actor_id, ip, user_agent, details, at_micros)`,
      [
        column(({ event }) => event.type),
        column(({ event }) => event.userId ?? null),
        column(({ event }) => event.subjectEmail ?? null),
        column(({ event }) => event.actorId ?? null),
        column(({ event }) => clip(event.client?.ip, 64)),
        column(({ event }) => clip(event.client?.userAgent, 512)),
        column(({ event }) => JSON.stringify(event.details ?? {})),
        column(({ atMicros }) => atMicros),
      ],
    );
  }
}
