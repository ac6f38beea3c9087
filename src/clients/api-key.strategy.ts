import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingHttpHeaders } from 'node:http';
import passport from 'passport';
import { bearerToken } from '../auth/strategies/bearer-token.js';
import { StrategyRegistrations } from '../auth/strategies/strategy-registrations.js';
import { InvalidAccessTokenError } from '../tokens/access-token.errors.js';
import { ApiKeysService } from './api-keys.service.js';
import { API_KEY_PREFIX } from './secrets.js';

type Request = { headers: IncomingHttpHeaders };

/** The key of a request: `X-API-Key: snt_…`, or `Authorization: Bearer snt_…`. */
export function apiKeyOf(request: Request): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string') return header.trim();
  const token = bearerToken(request);
  return token?.startsWith(API_KEY_PREFIX) ? token : null;
}

/** A bare Passport strategy: `ApiKeyStrategy.authenticate` does the work (no verify callback). */
class BareStrategy extends passport.Strategy {
  constructor(_verify?: unknown) {
    super();
  }
}

/**
 * API keys (`'api-key'`, in AUTH_STRATEGIES after `jwt`): a key carries only its scopes, so it
 * reaches only routes with `@Scopes` it holds. Unknown, deleted, expired, or of a disabled owner:
 * refused like an invalid token (401 `invalid_token`). A key verified within the last minute is
 * answered synchronously from memory (ADR 0008's fast path).
 */
@Injectable()
export class ApiKeyStrategy
  extends PassportStrategy(BareStrategy, 'api-key')
  implements OnApplicationShutdown
{
  constructor(private readonly apiKeys: ApiKeysService) {
    super();
    StrategyRegistrations.hold('api-key', this);
  }

  onApplicationShutdown(): void {
    StrategyRegistrations.release('api-key', this);
  }

  /** Passport calls this per request, on its own copy of the strategy. */
  override authenticate(request: Request): void {
    const key = apiKeyOf(request);
    // Nothing of ours: the next strategy (or the 401 missing_token) has it.
    if (key === null) return this.fail();
    const remembered = this.apiKeys.remembered(key);
    if (remembered) return this.success(remembered);
    this.apiKeys.verify(key).then(
      (principal) => (principal ? this.success(principal) : this.fail(refused(), 401)),
      (error: unknown) => this.error(error as Error),
    );
  }

  validate(): never {
    throw new Error('ApiKeyStrategy authenticates in authenticate()');
  }
}

const refused = () => new InvalidAccessTokenError('invalid API key');
