import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AllExceptionsFilter } from '../common/errors/all-exceptions.filter.js';
import { validateEnv } from '../config/env.validation.js';
import { AccessTokenVerifier } from '../tokens/access-token-verifier.js';
import { RemoteJwks } from '../tokens/remote-jwks.js';
import { AuthenticationGuard } from './guards/authentication.guard.js';
import { RolesGuard } from './guards/roles.guard.js';
import { ScopesGuard } from './guards/scopes.guard.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';

export interface ResourceServerOptions {
  /** Sentinel's `/.well-known/jwks.json` (JWT_JWKS_URL). */
  jwksUrl: string;
  issuer: string;
  audience: string;
  algorithm: 'RS256' | 'ES256';
  clockToleranceSeconds?: number;
}

/**
 * For another NestJS service that accepts Sentinel's access tokens: the same strategy, guards
 * and decorators (`@Public`, `@Roles`, `@CurrentUser`, 401 vs 403), verifying with the keys
 * published at the JWKS URL instead of local key files. It has no database, so it does not see
 * revocations: a logged-out token stays valid here until it expires (ACCESS_TOKEN_TTL).
 */
@Module({})
export class ResourceServerModule {
  static forRoot(options: ResourceServerOptions): DynamicModule {
    return {
      module: ResourceServerModule,
      imports: [PassportModule.register({ defaultStrategy: 'jwt', session: false })],
      providers: [
        {
          provide: RemoteJwks,
          useValue: new RemoteJwks({ url: options.jwksUrl, algorithm: options.algorithm }),
        },
        {
          provide: AccessTokenVerifier,
          inject: [RemoteJwks],
          useFactory: (keys: RemoteJwks) =>
            new AccessTokenVerifier(keys, {
              algorithm: options.algorithm,
              issuer: options.issuer,
              audience: options.audience,
              clockToleranceSeconds: options.clockToleranceSeconds ?? 30,
            }),
        },
        JwtStrategy,
        { provide: APP_GUARD, useClass: AuthenticationGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_GUARD, useClass: ScopesGuard },
        // The same error body and RFC 6750 challenges as Sentinel itself.
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
      exports: [AccessTokenVerifier],
    };
  }

  /** From JWT_JWKS_URL, JWT_ALG, JWT_ISSUER, JWT_AUDIENCE and JWT_CLOCK_TOLERANCE. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return ResourceServerModule.forRoot(resourceServerOptionsFromEnv(env));
  }
}

/**
 * The options `fromEnv` uses, read as Sentinel reads its own environment (`validateEnv`: the
 * same durations, such as `30s`, and the same one-line errors). In production the JWKS must come
 * over HTTPS: keys read in the clear could be swapped for an attacker's on the way.
 */
export function resourceServerOptionsFromEnv(env: NodeJS.ProcessEnv): ResourceServerOptions {
  // Only the variables a resource server shares with Sentinel: its others are its own business.
  const { JWT_ALG, JWT_ISSUER, JWT_AUDIENCE, JWT_CLOCK_TOLERANCE } = env;
  const parsed = validateEnv({ JWT_ALG, JWT_ISSUER, JWT_AUDIENCE, JWT_CLOCK_TOLERANCE });
  const production = env.NODE_ENV === 'production';
  const algorithm = parsed.JWT_ALG;
  if (!env.JWT_JWKS_URL || (algorithm !== 'RS256' && algorithm !== 'ES256')) {
    throw new Error(
      'Invalid configuration: a resource server needs JWT_JWKS_URL and JWT_ALG RS256 or ES256',
    );
  }
  const protocol = URL.canParse(env.JWT_JWKS_URL) ? new URL(env.JWT_JWKS_URL).protocol : undefined;
  if (protocol !== 'https:' && (protocol !== 'http:' || production)) {
    throw new Error(
      production
        ? 'Invalid configuration: JWT_JWKS_URL must be an https:// URL in production'
        : 'Invalid configuration: JWT_JWKS_URL must be an http(s):// URL',
    );
  }
  return {
    jwksUrl: env.JWT_JWKS_URL,
    algorithm,
    issuer: parsed.JWT_ISSUER,
    audience: parsed.JWT_AUDIENCE,
    clockToleranceSeconds: parsed.JWT_CLOCK_TOLERANCE,
  };
}
