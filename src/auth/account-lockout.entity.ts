import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed sign-ins per normalized email from every address together, in the lockout window that
 * began at `windowStartedAt`; past LOGIN_MAX_FAILURES_PER_ACCOUNT the email is locked for all.
 */
@Entity('account_lockouts')
export class AccountLockout {
  @PrimaryColumn({ type: 'varchar', length: 254, primaryKeyConstraintName: 'PK_account_lockouts' })
  email: string;

  /** Attempts counted in this window, including those still being checked. */
  @Column({ type: 'int', default: 0 })
  failures: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  windowStartedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;
}
