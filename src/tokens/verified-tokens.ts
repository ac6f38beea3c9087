import type { AccessTokenClaims } from './access-token-claims.js';

interface Entry {
  claims: AccessTokenClaims;
  /** Epoch ms after which the entry no longer counts. */
  until: number;
}

/**
 * Access tokens that have already passed verification, with their claims. A client sends the same
 * token with every request for its whole life (ACCESS_TOKEN_TTL), so its later requests skip the
 * signature and claim checks. Keyed by the whole token, signature included: only the exact bytes
 * that verified can hit. Bounded in size (the oldest entry goes first) and in time: an entry lasts
 * until the token expires, and at most `maxAgeMs`, so a key withdrawn from a JWKS stops being
 * honoured within that. Revocation is not cached: the verifier checks it on every call.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
  ) {}

  /** The claims of `token` if it verified less than `maxAgeMs` ago and has not expired. */
  get(token: string, now: number): AccessTokenClaims | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.until > now) return entry.claims;
    this.entries.delete(token);
    return undefined;
  }

  /** Remembers a token that has just verified; its claims are frozen, as they are shared. */
  remember(token: string, claims: AccessTokenClaims, now: number): AccessTokenClaims {
    const shared = Object.freeze({
      ...claims,
      roles: Object.freeze([...claims.roles]),
      ...(claims.scopes && { scopes: Object.freeze([...claims.scopes]) }),
    });
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    const until = Math.min(claims.expiresAt.getTime(), now + this.maxAgeMs);
    this.entries.set(token, { claims: shared as AccessTokenClaims, until });
    return shared as AccessTokenClaims;
  }

  get size(): number {
    return this.entries.size;
  }
}
