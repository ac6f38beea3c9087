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

/** The column sizes: a longer header is cut rather than the event lost. */
const clip = (value: string | undefined, length: number) => value?.slice(0, length) || null;

@Injectable()
export class AuditService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditService.name);
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly statements: PreparedStatements,
  ) {}

  /**
   * Starts writing the event and returns at once. Never throws and never rejects: a failed
   * write is a warning in the log, because writing an audit event must not fail (or slow down)
   * the request it records (issue 5). The cost of that choice is that an event can be lost while
   * the database is down; the request it describes would most likely have failed then anyway.
   */
  record(event: AuditRecord): void {
    const write = this.insert(event).catch((error: unknown) => {
      this.logger.warn(
        `Audit event ${event.type} not recorded: ${error instanceof Error ? error.message : error}`,
      );
    });
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
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

  /**
   * Lets the writes in flight finish before the connection pool closes (SIGTERM, tests), for a
   * few seconds at most: with the database gone they would each wait for a connection timeout.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.pending.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
    await Promise.race([Promise.all(this.pending), timeout]);
    clearTimeout(timer);
    if (this.pending.size > 0) {
      this.logger.warn(`Audit events not recorded at shutdown: ${this.pending.size}`);
    }
  }

  private async insert(event: AuditRecord): Promise<void> {
    const { type, userId, subjectEmail, actorId, client, details } = event;
    // One statement, no transaction and no RETURNING: each sign-in writes one event, and BEGIN,
    // COMMIT and TypeORM's query building around it were most of its cost (issue 7). A sign-in
    // names its account by email only; its id is looked up here, off the request. Its commit does
    // not wait for the disk (`RELAXED_COMMIT`): recording is best effort already (see `record`).
    await this.statements.query(
      'record_audit_event',
      `WITH ${RELAXED_COMMIT}
       INSERT INTO audit_events (type, user_id, actor_id, ip, user_agent, details)
       SELECT $1, COALESCE($2::uuid, (SELECT id FROM users WHERE email = $3)), $4, $5, $6, $7
         FROM relaxed_commit`,
      [
        type,
        userId ?? null,
        subjectEmail ?? null,
        actorId ?? null,
        clip(client?.ip, 64),
        clip(client?.userAgent, 512),
        JSON.stringify(details ?? {}),
      ],
    );
  }
}
