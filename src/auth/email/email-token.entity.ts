import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../../users/user.entity.js';

export type EmailTokenPurpose = 'verify_email' | 'password_reset' | 'email_change';

/** A link token of the email flows: single use, expiring, stored as its SHA-256 only. */
@Entity('email_tokens')
@Index('IDX_email_tokens_user_purpose', ['userId', 'purpose'])
@Check(
  'CHK_email_tokens_purpose',
  `"purpose" IN ('verify_email', 'password_reset', 'email_change')`,
)
export class EmailToken {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_email_tokens' })
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_email_tokens_user' })
  user?: User;

  @Column({ type: 'varchar', length: 20 })
  purpose: EmailTokenPurpose;

  @Index('UQ_email_tokens_token_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash: string;

  /** The address the link went to: the new one for an email change. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  /** The session that asked for an email change: it stays signed in after it. */
  @Column({ type: 'uuid', nullable: true })
  sessionId: string | null;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
