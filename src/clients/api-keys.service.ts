import { BadRequestException, Injectable, type OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, Repository } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { notFound } from '../auth/access-policy.js';
import { ErrorCode } from '../common/errors/error-codes.js';
import { RevocationFeed } from '../tokens/revocation-feed.js';
import { scopesOfRoles } from '../users/scopes.js';
import { UsersService } from '../users/users.service.js';
import { ApiKeyCache } from './api-key-cache.js';
import { ApiKeyUsage } from './api-key-usage.js';
import { ApiKey } from './api-key.entity.js';
import { ClientsEvent, type ClientsActor } from './clients-events.js';
import { generateApiKey, hashSecret, isApiKeyShaped } from './secrets.js';

/** Every instance forgets the cached keys of the user named in the payload (`*`: all). */
export const API_KEYS_CHANNEL = 'sentinel_api_keys_changed';
const KEYS_CACHED = 10_000;
/** A cached key is looked up again at least this often, whatever the feed says. */
const CACHE_MAX_AGE_MS = 60_000;
/** The `expiresAt` of a key that never expires: the largest date there is. */
export const NEVER_EXPIRES = new Date(8.64e15);

export interface NewApiKey {
  name: string;
  scopes: string[];
  expiresAt?: Date;
}

interface KeyRow {
  id: string;
  user_id: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  roles: string[];
  disabled_at: Date | null;
}

/**
 * API keys (personal access tokens): created by a user with a subset of their scopes, shown
 * once, stored as SHA-256. A key acts for its owner with the scopes it names that the owner
 * still holds, and stops working when it expires, is deleted, or its owner is disabled or
 * deleted. Verification is a memory lookup after a key's first use (`ApiKeyCache`).
 */
@Injectable()
export class ApiKeysService implements OnModuleInit {
  private readonly cache = new ApiKeyCache(KEYS_CACHED, CACHE_MAX_AGE_MS);
  private readonly usage: ApiKeyUsage;

  constructor(
    @InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>,
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly feed: RevocationFeed,
    private readonly events: EventEmitter2,
  ) {
    this.usage = new ApiKeyUsage(dataSource);
  }

  onModuleInit(): void {
    this.feed.subscribe(API_KEYS_CHANNEL, {
      receive: (userId) => this.cache.forgetUser(userId),
      reset: () => this.cache.forgetUser('*'),
    });
  }

  async create(
    userId: string,
    input: NewApiKey,
    by: ClientsActor,
  ): Promise<{ apiKey: ApiKey; key: string }> {
    const { roles } = await this.users.findProfile(userId);
    const held = scopesOfRoles(roles) as string[];
    const notHeld = input.scopes.filter((scope) => !held.includes(scope));
    if (notHeld.length > 0) {
      throw new BadRequestException({
        code: ErrorCode.InvalidScope,
        message: `A key can only carry scopes its owner has; not: ${notHeld.join(', ')}`,
      });
    }
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) {
      throw new BadRequestException({
        code: ErrorCode.ValidationFailed,
        message: 'Validation failed: expiresAt must be in the future',
        details: [
          { field: 'expiresAt', constraints: { isFuture: 'expiresAt must be in the future' } },
        ],
      });
    }
    const { key, prefix, hash } = generateApiKey();
    const apiKey = await this.keys.save(
      this.keys.create({
        userId,
        name: input.name,
        scopes: [...new Set(input.scopes)],
        prefix,
        keyHash: hash,
        expiresAt: input.expiresAt ?? null,
      }),
    );
    this.events.emit(ClientsEvent.ApiKeyCreated, {
      userId,
      ...by,
      details: { keyId: apiKey.id, name: apiKey.name, prefix, scopes: apiKey.scopes },
    });
    return { apiKey, key };
  }

  list(userId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { userId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  /** Deletes one of the user's keys; 404 when it is not theirs. Every instance forgets it. */
  async remove(userId: string, keyId: string, by: ClientsActor): Promise<void> {
    const removed = await this.dataSource.transaction(async (manager) => {
      const rows: { name: string; prefix: string }[] = await manager.query(
        'WITH gone AS (DELETE FROM api_keys WHERE id = $1 AND user_id = $2 RETURNING name, prefix) SELECT * FROM gone',
        [keyId, userId],
      );
      if (rows[0]) await this.announce(manager, userId);
      return rows[0];
    });
    this.cache.forgetUser(userId);
    if (!removed) throw notFound('API key');
    this.events.emit(ClientsEvent.ApiKeyDeleted, {
      userId,
      ...by,
      details: { keyId, name: removed.name, prefix: removed.prefix },
    });
  }

  /**
   * Deletes the key whose secret this is, if any (RFC 7009 revocation, by the service client
   * `by` names); true when one went.
   */
  async removeByKey(key: string, by: ClientsActor): Promise<boolean> {
    if (!isApiKeyShaped(key)) return false;
    const gone = await this.dataSource.transaction(async (manager) => {
      const rows: { id: string; user_id: string; name: string; prefix: string }[] =
        await manager.query(
          'WITH gone AS (DELETE FROM api_keys WHERE key_hash = $1 RETURNING id, user_id, name, prefix) SELECT * FROM gone',
          [hashSecret(key)],
        );
      if (rows[0]) await this.announce(manager, rows[0].user_id);
      return rows[0];
    });
    if (!gone) return false;
    this.cache.forgetUser(gone.user_id);
    this.events.emit(ClientsEvent.ApiKeyDeleted, {
      userId: gone.user_id,
      ...by,
      details: { keyId: gone.id, name: gone.name, prefix: gone.prefix, via: 'revocation' },
    });
    return true;
  }

  /**
   * Tells every instance to forget the user's cached keys (their roles changed, they were
   * disabled or deleted). Within `manager`'s transaction when given: heard on commit.
   */
  async ownerChanged(userId: string, manager?: EntityManager): Promise<void> {
    await this.announce(manager ?? this.dataSource.manager, userId);
    this.cache.forgetUser(userId);
  }

  /**
   * The principal of an API key, or null when it is unknown, expired or its owner disabled.
   * A memory lookup when the key was verified within the last minute.
   */
  async verify(key: string): Promise<AuthUser | null> {
    if (!isApiKeyShaped(key)) return null;
    const cached = this.remembered(key);
    if (cached) return cached;
    const hash = hashSecret(key);
    const now = Date.now();
    const epoch = this.cache.epoch;
    const [row]: KeyRow[] = await this.dataSource.query(
      `SELECT k.id, k.user_id, k.scopes, k.created_at, k.expires_at, u.roles, u.disabled_at
         FROM api_keys k JOIN users u ON u.id = k.user_id
        WHERE k.key_hash = $1`,
      [hash],
    );
    if (!row || row.disabled_at !== null) return null;
    if (row.expires_at && row.expires_at.getTime() <= now) return null;
    const held = scopesOfRoles(row.roles) as string[];
    const principal: AuthUser = Object.freeze({
      userId: row.user_id,
      sessionId: '',
      roles: Object.freeze([]) as unknown as [],
      tokenId: row.id,
      issuedAt: row.created_at,
      expiresAt: row.expires_at ?? NEVER_EXPIRES,
      // A demoted owner's key loses what the owner lost, at once.
      scopes: Object.freeze(row.scopes.filter((scope) => held.includes(scope))),
      principal: 'api_key' as const,
    });
    this.cache.set(hash, principal, epoch, now);
    this.usage.used(row.id, now);
    return principal;
  }

  /** The principal of a key verified within the last minute, synchronously; else undefined. */
  remembered(key: string): AuthUser | undefined {
    const now = Date.now();
    const cached = this.cache.get(hashSecret(key), now);
    if (cached) this.usage.used(cached.tokenId, now);
    return cached;
  }

  private async announce(manager: EntityManager, userId: string): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [API_KEYS_CHANNEL, userId]);
  }
}
