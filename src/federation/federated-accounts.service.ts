import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OidcCallbackError } from '../common/errors/error-codes.js';
import { UsersService, type ProviderAccount } from '../users/users.service.js';
import type { IdTokenClaims } from './oidc-providers.service.js';

/** Why a callback does not sign in or link: what the user is told, and the audit's reason. */
export class CallbackRefused extends Error {
  constructor(
    readonly error: OidcCallbackError,
    readonly reason: string,
    readonly userId?: string,
  ) {
    super(reason);
  }
}

export interface Resolved {
  account: ProviderAccount;
  /** `created`: a new account; `linked`: the identity joined an existing one; else known. */
  outcome: 'known' | 'linked' | 'created';
}

const MAX_DISPLAY_NAME = 100;

/**
 * Which account a provider's identity signs in to, or links to (issue 15's rules):
 * - a known `(provider, sub)` signs its user in (a disabled user is refused);
 * - a new identity whose email the provider verified joins the account with that email only when
 *   the account's email is verified too; an existing email otherwise refuses (`account_exists`),
 *   so nobody takes over an account by registering its address at some provider;
 * - a new identity with a new email creates an account without a password.
 * Each decision runs in one transaction with the user's row locked (on the embedded database
 * everything in it goes through its EntityManager: the pool is one connection).
 */
@Injectable()
export class FederatedAccounts {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
  ) {}

  signIn(provider: string, claims: IdTokenClaims): Promise<Resolved> {
    return this.dataSource.transaction(async (manager) => {
      const resolved = await this.resolve(manager, provider, claims);
      if (resolved.account.disabled) {
        throw new CallbackRefused(
          OidcCallbackError.LoginFailed,
          'user_disabled',
          resolved.account.id,
        );
      }
      return resolved;
    });
  }

  /** Links the identity to `userId` (a link flow); refused when another account has it. */
  link(provider: string, claims: IdTokenClaims, userId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const account = await this.users.findForProvider(manager, { id: userId });
      if (!account || account.disabled) {
        throw new CallbackRefused(OidcCallbackError.LoginFailed, 'user_disabled', userId);
      }
      const owner = await this.owner(manager, provider, claims.sub);
      if (owner === userId) return false;
      if (owner) {
        throw new CallbackRefused(
          OidcCallbackError.IdentityTaken,
          'identity_of_another_user',
          userId,
        );
      }
      await this.insert(manager, userId, provider, claims);
      return true;
    });
  }

  private async resolve(
    manager: EntityManager,
    provider: string,
    claims: IdTokenClaims,
  ): Promise<Resolved> {
    const owner = await this.owner(manager, provider, claims.sub);
    if (owner) {
      // The user's row first (as an unlink locks it), then the identity, which must still be there.
      const account = await this.users.findForProvider(manager, { id: owner });
      const [touched] = await manager.query<unknown[]>(
        `WITH touched AS (
           UPDATE identities SET last_used_at = now()
            WHERE provider = $1 AND subject = $2 AND user_id = $3 RETURNING id)
         SELECT id FROM touched`,
        [provider, claims.sub, owner],
      );
      if (!account || !touched) {
        throw new CallbackRefused(OidcCallbackError.LoginFailed, 'identity_raced', owner);
      }
      return { account, outcome: 'known' };
    }
    const email = typeof claims.email === 'string' ? claims.email.trim() : '';
    if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) {
      throw new CallbackRefused(OidcCallbackError.LoginFailed, 'no_usable_email');
    }
    // Only a boolean true: some providers send "true" as a string for addresses they never checked.
    const emailVerified = claims.email_verified === true;
    const existing = await this.users.findForProvider(manager, { email });
    if (existing) {
      if (!emailVerified || !existing.emailVerified) {
        throw new CallbackRefused(
          OidcCallbackError.AccountExists,
          emailVerified ? 'account_email_unverified' : 'provider_email_unverified',
          existing.id,
        );
      }
      await this.insert(manager, existing.id, provider, claims);
      return { account: existing, outcome: 'linked' };
    }
    const name =
      typeof claims.name === 'string' ? claims.name.trim().slice(0, MAX_DISPLAY_NAME) : '';
    const created = await this.users.createFromProvider(manager, {
      email,
      emailVerified,
      displayName: name || null,
    });
    if (!created) throw new CallbackRefused(OidcCallbackError.AccountExists, 'email_taken');
    await this.insert(manager, created.id, provider, claims);
    return { account: created, outcome: 'created' };
  }

  /** The user this identity belongs to, or null (no lock: the user's row is locked first). */
  private async owner(manager: EntityManager, provider: string, subject: string) {
    const [row] = await manager.query<{ user_id: string }[]>(
      `SELECT user_id FROM identities WHERE provider = $1 AND subject = $2`,
      [provider, subject],
    );
    return row?.user_id ?? null;
  }

  private async insert(
    manager: EntityManager,
    userId: string,
    provider: string,
    claims: IdTokenClaims,
  ): Promise<void> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO identities (user_id, provider, subject, email) VALUES ($1, $2, $3, $4)
       ON CONFLICT (provider, subject) DO NOTHING RETURNING id`,
      [
        userId,
        provider,
        claims.sub,
        typeof claims.email === 'string' ? claims.email.slice(0, 254) : null,
      ],
    );
    // Another callback with the same identity won the race: this one signs nobody in.
    if (rows.length === 0) {
      throw new CallbackRefused(OidcCallbackError.LoginFailed, 'identity_raced', userId);
    }
  }
}
