import { SetMetadata } from '@nestjs/common';
import type { Scope } from '../../users/scopes.js';

export const SCOPES_KEY = 'auth:scopes';

/**
 * Requires the caller to hold every one of `scopes` (403 `insufficient_scope` otherwise, RFC 6750
 * §3.1). Only routes with `@Scopes` accept API keys and service tokens; a user's access token has
 * the scopes of its roles.
 */
export const Scopes = (...scopes: Scope[]) => SetMetadata(SCOPES_KEY, scopes);
