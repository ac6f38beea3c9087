import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../users/user.entity.js';

/** An account at an OpenID provider (`provider`, its `sub`), linked to one user. */
@Entity('identities')
@Index('UQ_identities_provider_subject', ['provider', 'subject'], { unique: true })
export class Identity {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_identities' })
  id: string;

  @Index('IDX_identities_user')
  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_identities_user' })
  user?: User;

  /** The provider's id in OIDC_PROVIDERS. */
  @Column({ type: 'varchar', length: 32 })
  provider: string;

  /** The ID token's `sub`: stable at the provider, unlike the email. */
  @Column({ type: 'varchar', length: 255 })
  subject: string;

  /** The email the provider gave when the identity was linked, to show the user. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastUsedAt: Date;
}
