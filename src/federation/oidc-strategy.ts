import type { Request } from 'express';
import * as client from 'openid-client';
import { Strategy, type AuthenticateOptions, type VerifyFunction } from 'openid-client/passport';

/** Where the strategy keeps a flow's checks on the request (`req.session`, as Passport's do). */
export const FLOW_KEY = 'oidc';

/** The checks of one authorization request, kept until its callback (in `oidc_flows`). */
export interface FlowChecks {
  code_verifier: string;
  state: string;
  nonce: string;
}

/**
 * The request a strategy sees. Sentinel runs on Fastify and keeps no server sessions, so the
 * controller hands the strategy this much of the request and the flow's checks as its "session".
 */
export interface OidcStrategyRequest {
  method: 'GET';
  /** `start`: build the authorization request; `callback`: redeem the code in `url`. */
  step: 'start' | 'callback';
  /** The callback's path and query (the provider's response parameters). */
  url: string;
  session: { [FLOW_KEY]?: Partial<FlowChecks> };
}

/**
 * openid-client's Passport strategy, with what Sentinel asks of every flow: `state` and `nonce`
 * on every request beside PKCE (openid-client adds them only when the provider lacks PKCE), and
 * the step chosen by the route, not guessed from the query: a callback without `code` must fail,
 * never start a new flow.
 */
export class OidcStrategy extends Strategy {
  constructor(config: client.Configuration, name: string, scope: string, verify: VerifyFunction) {
    super({ config, name, scope, sessionKey: FLOW_KEY }, verify);
  }

  override authorizationRequestParams<T extends AuthenticateOptions>(
    req: Request,
    options: T,
  ): URLSearchParams {
    const params = new URLSearchParams(super.authorizationRequestParams(req, options));
    params.set('state', client.randomState());
    params.set('nonce', client.randomNonce());
    return params;
  }

  override currentUrl(req: Request): URL {
    // Only the query counts: the callback URL itself is the one the flow was started with.
    return new URL((req as unknown as OidcStrategyRequest).url, 'http://callback.invalid');
  }

  override shouldInitiateAuthRequest(req: Request): boolean {
    return (req as unknown as OidcStrategyRequest).step === 'start';
  }
}
