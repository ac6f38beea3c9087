import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AuditEventType } from './audit-event-type.js';

/**
 * One security-relevant fact: who, what, when, from where. Written once, never updated.
 *
 * `userId` and `actorId` are plain uuid columns without a foreign key on purpose: the trail must
 * outlive the accounts it names (a deleted user's history, and the record of the deletion itself,
 * are exactly what an investigation needs), and an event about an unknown email has no user.
 */
@Entity('audit_events')
@Index('IDX_audit_events_user_id_created_at', ['userId', 'createdAt'])
@Index('IDX_audit_events_type_created_at', ['type', 'createdAt'])
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_audit_events' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  type: AuditEventType;

  /** The account the event is about (the subject); null for a sign-in with an unknown email. */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  /** Who did it, when someone did: the user themselves or an administrator. */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  /** What else is worth knowing (the email typed, session ids, roles from/to); never a secret. */
  @Column({ type: 'jsonb', default: {} })
  details: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
