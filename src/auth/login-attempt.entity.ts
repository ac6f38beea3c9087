import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Consecutive failed sign-ins per normalized email (known account or not) and client address. */
@Entity('login_attempts')
export class LoginAttempt {
  @PrimaryColumn({ type: 'varchar', length: 254, primaryKeyConstraintName: 'PK_login_attempts' })
  email: string;

  /** The address the attempts came from (as TRUST_PROXY allows), clipped to 64 characters. */
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_login_attempts' })
  clientAddress: string;

  /** Attempts counted since the last success, including those still being checked. */
  @Column({ type: 'int', default: 0 })
  failures: number;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
