import {
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import * as client from 'openid-client';
import passport from 'passport';
import { ErrorCode } from '../common/errors/error-codes.js';
import { oidcConfig } from '../config/oidc.config.js';
import type { OidcProviderConfig } from '../config/oidc-providers.js';
import {
  FLOW_KEY,
  OidcStrategy,
  type FlowChecks,
  type OidcStrategyRequest,
} from './oidc-strategy.js';

/** How long one discovery or token request may take before the provider counts as down. */
const PROVIDER_TIMEOUT_SECONDS = 5;

/** The claims Sentinel reads from a validated ID token. */
export type IdTokenClaims = client.IDToken;

/** What a strategy run ended in. */
export type StrategyOutcome =
  | { kind: 'redirect'; url: string; checks: FlowChecks }
  | { kind: 'success'; claims: IdTokenClaims }
  /** The provider answered `access_denied` (the user said no, or cancelled). */
  | { kind: 'denied' }
  /** Anything else: the reason is for the audit trail only. */
  | { kind: 'failed'; reason: string };

interface ProviderState {
  config: OidcProviderConfig;
  strategyName: string;
  ready: boolean;
}

/**
 * The reason of a failure, for the log and the audit trail: openid-client wraps the specific
 * check (`unexpected ID Token "nonce" claim value`) in a generic error, so the causes are read too
 * (their messages only: the objects beside them hold the token's claims).
 */
const describe = (error: unknown): string => {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    if (current instanceof client.ResponseBodyError) parts.push(current.error);
    parts.push(current.message);
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') parts.push(code);
    current = current.cause;
  }
  return parts.length > 0 ? parts.join(': ') : String(error);
};

/** What Sentinel reads of a profile: ID token claims win, the rest comes from UserInfo. */
const PROFILE_CLAIMS = ['email', 'email_verified', 'name'] as const;

/**
 * The validated ID token's claims, completed from the UserInfo endpoint when the provider keeps
 * the profile out of the ID token (OIDC Core §5.4 allows it; oidc-provider does by default, Google
 * does not). openid-client checks that UserInfo's `sub` is the ID token's (§5.3.2).
 */
async function withProfile(
  configuration: client.Configuration,
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): Promise<IdTokenClaims | undefined> {
  const claims = tokens.claims();
  if (!claims || claims.email !== undefined || !configuration.serverMetadata().userinfo_endpoint) {
    return claims;
  }
  const profile = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
  const extra = Object.fromEntries(
    PROFILE_CLAIMS.filter((name) => profile[name] !== undefined).map((name) => [
      name,
      profile[name],
    ]),
  );
  return { ...claims, ...extra };
}

/**
 * The configured OpenID providers, each an `OidcStrategy` in this app's own Passport instance
 * (Passport's default one is shared by every app in the process; see ADR 0008). A provider's
 * metadata is discovered at start; one that cannot be reached is logged and tried again every
 * OIDC_DISCOVERY_RETRY, its routes answering 503 `provider_unavailable` meanwhile.
 */
@Injectable()
export class OidcProviders implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OidcProviders');
  private readonly passport = new passport.Passport();
  private readonly providers = new Map<string, ProviderState>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(@Inject(oidcConfig.KEY) private readonly config: ConfigType<typeof oidcConfig>) {
    for (const provider of config.providers) {
      this.providers.set(provider.id, {
        config: provider,
        strategyName: `oidc-${provider.id}`,
        ready: false,
      });
    }
  }

  /** `GET /auth/oidc/providers`, in configuration order. */
  list(): { id: string; name: string }[] {
    return [...this.providers.values()].map(({ config }) => ({ id: config.id, name: config.name }));
  }

  /** Discovery runs in the background: a provider that is down must not delay the start. */
  onApplicationBootstrap(): void {
    for (const state of this.providers.values()) void this.discover(state);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.retries) clearTimeout(timer);
  }

  /** 404 for an id nobody configured, 503 `provider_unavailable` until discovery succeeded. */
  ready(id: string): OidcProviderConfig {
    const state = this.providers.get(id);
    if (!state) {
      throw new NotFoundException({ code: ErrorCode.NotFound, message: 'Unknown provider' });
    }
    if (!state.ready) {
      throw new ServiceUnavailableException({
        code: ErrorCode.ProviderUnavailable,
        message: 'The provider cannot be reached; try again later',
      });
    }
    return state.config;
  }

  /** The provider's authorization URL for a new flow, with the checks the callback needs. */
  start(id: string, callbackUrl: string): Promise<StrategyOutcome> {
    return this.run(id, { method: 'GET', step: 'start', url: '/', session: {} }, callbackUrl);
  }

  /**
   * Redeems the callback's code and validates the ID token: `state`, PKCE, `nonce`, `iss`,
   * `aud`, signature (the provider's JWKS), `exp` and `iat`, all by openid-client.
   */
  callback(id: string, url: string, checks: FlowChecks, callbackUrl: string) {
    const request: OidcStrategyRequest = {
      method: 'GET',
      step: 'callback',
      url,
      session: { [FLOW_KEY]: { ...checks } },
    };
    return this.run(id, request, callbackUrl);
  }

  private run(
    id: string,
    request: OidcStrategyRequest,
    callbackURL: string,
  ): Promise<StrategyOutcome> {
    const { strategyName } = this.providers.get(id)!;
    return new Promise((resolve) => {
      // Passport answers a redirect on the response itself; this one only records where to.
      const response = {
        statusCode: 200,
        location: '',
        setHeader(name: string, value: string) {
          if (name.toLowerCase() === 'location') this.location = value;
        },
        end: () => {
          const checks = request.session[FLOW_KEY] as FlowChecks | undefined;
          resolve(
            response.location && checks
              ? { kind: 'redirect', url: response.location, checks }
              : { kind: 'failed', reason: 'no authorization request was built' },
          );
        },
      };
      const done = (error: unknown, claims: IdTokenClaims | false, info: unknown) => {
        if (error) resolve({ kind: 'failed', reason: describe(error) });
        else if (claims) resolve({ kind: 'success', claims });
        else if ((info as { error?: string })?.error === 'access_denied')
          resolve({ kind: 'denied' });
        else resolve({ kind: 'failed', reason: (info as Error)?.message ?? 'refused' });
      };
      const authenticate = this.passport.authenticate(
        strategyName,
        { session: false, callbackURL } as passport.AuthenticateOptions,
        done,
      ) as (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
      authenticate(request, response, (error) =>
        resolve({ kind: 'failed', reason: describe(error) }),
      );
    });
  }

  private async discover(state: ProviderState): Promise<void> {
    const { config } = state;
    try {
      const configuration = await client.discovery(
        new URL(config.issuer),
        config.clientId,
        config.clientSecret,
        undefined,
        {
          timeout: PROVIDER_TIMEOUT_SECONDS,
          // Verify ID tokens' signatures with the provider's JWKS too, not only trust the TLS
          // channel they came over (OIDC Core §3.1.3.7 allows either; we want both).
          execute: [
            client.enableNonRepudiationChecks,
            // Plain http only for a local provider outside production (env-combinations.ts).
            ...(config.issuer.startsWith('http:') ? [client.allowInsecureRequests] : []),
          ],
        },
      );
      if (this.stopped) return;
      const strategy = new OidcStrategy(
        configuration,
        state.strategyName,
        config.scopes.join(' '),
        (tokens, verified) => {
          withProfile(configuration, tokens).then(
            (claims) =>
              claims
                ? verified(null, claims)
                : verified(null, false, { message: 'the provider sent no ID token' }),
            (error: unknown) => verified(error as Error),
          );
        },
      );
      this.passport.use(state.strategyName, strategy);
      state.ready = true;
      this.logger.log(`OpenID provider "${config.id}" discovered at ${config.issuer}`);
    } catch (error) {
      if (this.stopped) return;
      const seconds = this.config.discoveryRetryMs / 1000;
      this.logger.warn(
        `OpenID provider "${config.id}" (${config.issuer}) cannot be discovered, retrying in ${seconds}s: ${describe(error)}`,
      );
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        void this.discover(state);
      }, this.config.discoveryRetryMs);
      timer.unref();
      this.retries.add(timer);
    }
  }
}
