import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { ClientInfo } from '../common/client-info.js';
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

  constructor(@InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>) {}

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
    await this.events
      .createQueryBuilder()
      .insert()
      .values({
        type,
        // A sign-in names its account by email only; its id is looked up here, off the request.
        userId:
          userId ?? (subjectEmail ? () => '(SELECT id FROM users WHERE email = :email)' : null),
        actorId: actorId ?? null,
        ip: clip(client?.ip, 64),
        userAgent: clip(client?.userAgent, 512),
        // Sent as JSON text for the jsonb column (TypeORM's types refuse a free-form object).
        details: () => ':details',
      })
      .setParameters({ email: subjectEmail, details: JSON.stringify(details ?? {}) })
      // One statement, no transaction: BEGIN and COMMIT around it were two more round trips per
      // sign-in (issue 7). They were added because pglite-socket interleaved this insert with
      // the request's statements on other connections; the embedded pool now has one connection
      // (ADR 0001), so statements no longer interleave. Nothing reads back the generated
      // columns, so no RETURNING either.
      .updateEntity(false)
      .execute();
  }
}
