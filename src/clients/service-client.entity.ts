import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A service account: a machine client of the client-credentials grant (`client_id` = `id`). */
@Entity('service_clients')
export class ServiceClient {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_service_clients' })
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'text', array: true })
  scopes: string[];

  @Column({ type: 'char', length: 64, select: false })
  secretHash: string;

  /** After a rotation, the old secret's hash, valid until `previousSecretExpiresAt`. */
  @Column({ type: 'char', length: 64, nullable: true, select: false })
  previousSecretHash: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  secretRotatedAt: Date | null;
}
