import type { ClientInfo } from '../common/client-info.js';

/** What provider sign-ins do, for the audit trail. Emitted without waiting. */
export const FederationEvent = {
  OidcLogin: 'federation.oidc_login',
  OidcLoginFailed: 'federation.oidc_login_failed',
  IdentityLinked: 'federation.identity_linked',
  IdentityUnlinked: 'federation.identity_unlinked',
} as const;

export interface FederationEventPayload {
  provider: string;
  /** The account, when one is known. */
  userId?: string;
  /** Whoever did it: the user, or nobody yet (a failed callback). */
  actorId?: string;
  client: ClientInfo;
  details?: Record<string, unknown>;
}
