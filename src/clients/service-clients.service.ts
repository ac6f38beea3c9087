import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, Repository } from 'typeorm';
import { notFound } from '../auth/access-policy.js';
import { clientsConfig } from '../config/clients.config.js';
import { TokenRevocations } from '../tokens/token-revocations.js';
import { ClientsEvent, type ClientsActor } from './clients-events.js';
import { generateClientSecret, hashSecret, sameHash } from './secrets.js';
import { ServiceClient } from './service-client.entity.js';

export interface ClientWithSecret {
  client: ServiceClient;
  clientSecret: string;
}

/**
 * Service accounts: machine clients of the client-credentials grant, created by administrators
 * with a fixed set of scopes. The secret is shown once and stored as SHA-256; after a rotation
 * the old one keeps working for CLIENT_SECRET_OVERLAP, so deployments can switch without a gap.
 */
@Injectable()
export class ServiceClientsService {
  constructor(
    @InjectRepository(ServiceClient) private readonly clients: Repository<ServiceClient>,
    private readonly dataSource: DataSource,
    private readonly revocations: TokenRevocations,
    @Inject(clientsConfig.KEY) private readonly config: ConfigType<typeof clientsConfig>,
    private readonly events: EventEmitter2,
  ) {}

  async create(name: string, scopes: string[], by: ClientsActor): Promise<ClientWithSecret> {
    const { secret, hash } = generateClientSecret();
    const client = await this.clients.save(
      this.clients.create({ name, scopes: [...new Set(scopes)], secretHash: hash }),
    );
    this.events.emit(ClientsEvent.ClientCreated, {
      ...by,
      details: { clientId: client.id, name: client.name, scopes: client.scopes },
    });
    return { client, clientSecret: secret };
  }

  list(): Promise<ServiceClient[]> {
    return this.clients.find({ order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** Deletes the account; its unexpired tokens are refused at once on every instance. */
  async remove(id: string, by: ClientsActor): Promise<void> {
    const removed = await this.dataSource.transaction(async (manager) => {
      const rows: { name: string }[] = await manager.query(
        'WITH gone AS (DELETE FROM service_clients WHERE id = $1 RETURNING name) SELECT name FROM gone',
        [id],
      );
      if (rows[0]) await this.revocations.revoke([id], manager);
      return rows[0];
    });
    if (!removed) throw notFound('Client');
    this.events.emit(ClientsEvent.ClientDeleted, {
      ...by,
      details: { clientId: id, name: removed.name },
    });
  }

  /** A new secret; the current one stays valid for CLIENT_SECRET_OVERLAP. */
  async rotateSecret(id: string, by: ClientsActor): Promise<ClientWithSecret> {
    const { secret, hash } = generateClientSecret();
    // Wrapped in a CTE so the driver returns the rows (a bare UPDATE yields [rows, count]).
    const [row]: { id: string }[] = await this.dataSource.query(
      `WITH rotated AS (
         UPDATE service_clients
            SET previous_secret_hash = secret_hash,
                previous_secret_expires_at = now() + make_interval(secs => $3),
                secret_hash = $2, secret_rotated_at = now()
          WHERE id = $1
          RETURNING id)
       SELECT id FROM rotated`,
      [id, hash, this.config.secretOverlapSeconds],
    );
    if (!row) throw notFound('Client');
    const client = await this.clients.findOneByOrFail({ id });
    this.events.emit(ClientsEvent.ClientSecretRotated, {
      ...by,
      details: { clientId: id, name: client.name },
    });
    return { client, clientSecret: secret };
  }

  /**
   * The client these credentials authenticate, or null: an unknown id, a wrong secret, or an
   * old secret past its overlap. Both hashes are compared in constant time.
   */
  async authenticate(clientId: string, secret: string): Promise<ServiceClient | null> {
    if (!isUUID(clientId)) return null;
    const client = await this.clients
      .createQueryBuilder('client')
      .addSelect(['client.secretHash', 'client.previousSecretHash'])
      .where('client.id = :clientId', { clientId })
      .getOne();
    if (!client) return null;
    const presented = hashSecret(secret);
    const current = sameHash(presented, client.secretHash);
    const previous =
      sameHash(presented, client.previousSecretHash) &&
      client.previousSecretExpiresAt !== null &&
      client.previousSecretExpiresAt.getTime() > Date.now();
    return current || previous ? client : null;
  }
}
