import type { ClientInfo } from '../common/client-info.js';

/**
 * What happens to machine credentials, for the audit trail: a key or a client secret is as good
 * as a password, so who made or removed one, and when, must be on record. Emitted after commit,
 * without waiting.
 */
export const ClientsEvent = {
  ApiKeyCreated: 'clients.api_key_created',
  ApiKeyDeleted: 'clients.api_key_deleted',
  ClientCreated: 'clients.client_created',
  ClientDeleted: 'clients.client_deleted',
  ClientSecretRotated: 'clients.client_secret_rotated',
} as const;

/** Who did it (a user, or the service client of an RFC 7009 revocation) and from where. */
export interface ClientsActor {
  actorId?: string;
  client?: ClientInfo;
}

export interface ClientsEventPayload extends ClientsActor {
  /** The key's owner; none for a service client (it belongs to no user). */
  userId?: string;
  /** Ids, names, prefixes and scopes: never a secret or its hash. */
  details: Record<string, unknown>;
}
