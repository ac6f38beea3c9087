import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An access-token lifetime some instance issues (its ACCESS_TOKEN_TTL), and until when it may
 * issue such tokens: renewed while it runs. Revoked sessions are kept as long as the longest
 * lifetime whose tokens can still be unexpired, whatever this instance's own setting (ADR 0013).
 */
@Entity('access_token_lifetimes')
export class AccessTokenLifetime {
  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'PK_access_token_lifetimes' })
  lifetimeSeconds: number;

  @Column({ type: 'timestamptz' })
  issuingUntil: Date;
}
