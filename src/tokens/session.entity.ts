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
import { User } from '../users/user.entity.js';

/** One sign-in: the family of refresh tokens rotated from it, and the `sid` of its access tokens. */
@Entity('sessions')
export class Session {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sessions' })
  id: string;

  /**
   * SET NULL, not CASCADE: a deleted user's sessions stay, revoked, until every access token
   * they issued has expired, so instances starting meanwhile still refuse those tokens.
   */
  @Index('IDX_sessions_user_id')
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sessions_user_id' })
  user?: Relation<User>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  /** Absolute end (SESSION_MAX_AGE after sign-in), whatever the refreshes. */
  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastUsedAt: Date;

  /**
   * The user's `sessionsValidAfter` when the session was opened (or confirmed by a password
   * change made through it): refresh refuses the session once the user's stamp is newer.
   */
  @Column({ type: 'timestamptz', precision: 3 })
  userStamp: Date;

  /** How the user signed in (RFC 8176: `["pwd"]`, `["fed"]`, `["pwd", "otp", "mfa"]`…); null: a password. */
  @Column({ type: 'text', array: true, nullable: true })
  amr: string[] | null;

  /** When the user authenticated (RFC 9470 `auth_time`): the sign-in, kept through refreshes. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  authTime: Date;

  /** Partial index: instances load the recently revoked sessions at start. */
  @Index('IDX_sessions_revoked_at', { where: '"revoked_at" IS NOT NULL' })
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  revokedReason: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;
}
