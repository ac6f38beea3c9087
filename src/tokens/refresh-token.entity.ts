import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Session } from './session.entity.js';

/**
 * A single-use refresh token. Only its SHA-256 is stored; the token itself never is, nor is its
 * successor but sealed under a key derived from it.
 */
@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_refresh_tokens' })
  id: string;

  @Index('IDX_refresh_tokens_session_id')
  @Column({ type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => Session, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'FK_refresh_tokens_session_id' })
  session?: Relation<Session>;

  /** Hex SHA-256 of the token: the lookup key of every refresh. */
  @Index('UQ_refresh_tokens_token_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  /** Set when rotated; presenting the token again after that is reuse. */
  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  /** The token that replaced this one when it was used (no foreign key: cleanup deletes either). */
  @Column({ type: 'uuid', nullable: true })
  successorId: string | null;

  /**
   * That successor, sealed under a key derived from this token (`sealSuccessor`), when
   * `REFRESH_RETRY_WINDOW` is set: a retry within the window gets it back; null otherwise.
   */
  @Column({ type: 'bytea', nullable: true })
  successorSealed: Buffer | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
