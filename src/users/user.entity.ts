import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Role } from './role.js';

@Entity('users')
@Check('CHK_users_email_normalized', `"email" = lower(btrim("email"))`)
export class User {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_users' })
  id: string;

  /** Stored trimmed and lower-cased, so the unique index is case-insensitive. */
  @Index('UQ_users_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email: string;

  /**
   * argon2id PHC string; never leaves the users module. Null for an account an OpenID provider
   * created: every password check fails, as for an unknown email.
   */
  @Column({ type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'text', array: true, default: () => `'{user}'` })
  roles: Role[];

  @Column({ type: 'varchar', length: 100, nullable: true })
  displayName: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** When the address was proven to be the user's; null while it is not. */
  @Column({ type: 'timestamptz', nullable: true })
  emailVerifiedAt: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  passwordChangedAt: Date;

  /**
   * The security stamp: sessions opened before it (under an older stamp) are no longer valid.
   * Moved forward by a password change, a disable and a role change (see `nextSecurityStamp`).
   */
  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  sessionsValidAfter: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}

/** The columns the API shows of a user (`UserResponseDto`): never the password hash. */
export type UserProfile = Pick<
  User,
  'id' | 'email' | 'displayName' | 'roles' | 'disabledAt' | 'emailVerifiedAt' | 'createdAt'
>;
