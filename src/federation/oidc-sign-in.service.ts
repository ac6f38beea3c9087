import { BadRequestException, Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { AuthService } from '../auth/auth.service.js';
import type { TokenResponseDto } from '../auth/dto/token-response.dto.js';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorCode, OidcCallbackError } from '../common/errors/error-codes.js';
import { oidcConfig } from '../config/oidc.config.js';
import { UsersService } from '../users/users.service.js';
import { allowedReturnTo, withParams } from './allowed-redirects.js';
import { CallbackRefused, FederatedAccounts } from './federated-accounts.service.js';
import { FederationEvent, type FederationEventPayload } from './federation-events.js';
import { OidcFlows } from './oidc-flows.service.js';
import { OidcProviders } from './oidc-providers.service.js';

/** RFC 8176 §2: "federated" authentication. */
const FEDERATED_AMR = ['fed'] as const;

export interface FlowStart {
  location: string;
  /** For the browser's flow cookie. */
  flowSecret: string;
}

/**
 * The redirect dance: start (the provider's URL, the flow stored), callback (validated by the
 * provider's strategy, then a sign-in or a link) and the exchange of the one-time code for the
 * usual tokens through `AuthService.signIn`, the one way sessions are opened.
 */
@Injectable()
export class OidcSignIn {
  private readonly logger = new Logger('OidcSignIn');
  constructor(
    private readonly providers: OidcProviders,
    private readonly flows: OidcFlows,
    private readonly accounts: FederatedAccounts,
    private readonly users: UsersService,
    private readonly auth: AuthService,
    private readonly events: EventEmitter2,
    @Inject(oidcConfig.KEY) private readonly config: ConfigType<typeof oidcConfig>,
  ) {}

  /**
   * 404/503 for a provider that is unknown or down, 400 `invalid_redirect`; else where to send
   * the browser. `origin` is the request's own, for the callback URL when PUBLIC_URL is unset.
   */
  async start(
    provider: string,
    redirect: unknown,
    origin: string,
    linkUserId: string | null = null,
  ): Promise<FlowStart> {
    this.providers.ready(provider);
    const returnTo =
      redirect === undefined || typeof redirect === 'string'
        ? allowedReturnTo(redirect, this.config.allowedRedirects)
        : null;
    if (!returnTo) {
      throw new BadRequestException({
        code: ErrorCode.InvalidRedirect,
        message: 'redirect must be a path or origin listed in OIDC_ALLOWED_REDIRECTS',
      });
    }
    const callbackUrl = `${this.config.publicUrl ?? origin}/auth/oidc/${provider}/callback`;
    const outcome = await this.providers.start(provider, callbackUrl);
    if (outcome.kind !== 'redirect') {
      // Building the request needs no network: this is the provider's metadata refusing us.
      throw new BadRequestException({
        code: ErrorCode.BadRequest,
        message: 'The provider sign-in could not be started',
      });
    }
    const flowSecret = await this.flows.save({
      provider,
      checks: outcome.checks,
      callbackUrl,
      returnTo,
      linkUserId,
    });
    return { location: outcome.url, flowSecret };
  }

  /**
   * Where the callback sends the browser: a code, `linked`, or an `error`. The provider's and the
   * flow's faults are answers on the redirect, never exceptions.
   */
  async callback(
    provider: string,
    url: string,
    flowSecret: string | undefined,
    client: ClientInfo,
  ): Promise<string> {
    this.providers.ready(provider);
    const flow = flowSecret ? await this.flows.take(flowSecret) : null;
    // Without the browser's flow no redirect can be trusted but the configured default.
    const fallback = allowedReturnTo(undefined, this.config.allowedRedirects)!;
    const refuse = (returnTo: string, refused: CallbackRefused) => {
      this.logger.warn(`Provider sign-in through "${provider}" refused: ${refused.reason}`);
      this.emit(FederationEvent.OidcLoginFailed, {
        provider,
        userId: refused.userId,
        client,
        details: { reason: refused.reason, error: refused.error },
      });
      return withParams(returnTo, { error: refused.error });
    };
    const failed = (reason: string) => new CallbackRefused(OidcCallbackError.LoginFailed, reason);
    if (!flow) return refuse(fallback, failed('no_flow_for_this_browser'));
    if (flow.provider !== provider)
      return refuse(flow.returnTo, failed('flow_of_another_provider'));
    if (flow.expired) return refuse(flow.returnTo, failed('flow_expired'));

    const outcome = await this.providers.callback(provider, url, flow.checks, flow.callbackUrl);
    if (outcome.kind === 'denied') {
      return refuse(
        flow.returnTo,
        new CallbackRefused(OidcCallbackError.AccessDenied, 'access_denied'),
      );
    }
    if (outcome.kind !== 'success') {
      return refuse(
        flow.returnTo,
        failed(outcome.kind === 'failed' ? outcome.reason : 'unexpected'),
      );
    }
    try {
      if (flow.linkUserId) {
        if (await this.accounts.link(provider, outcome.claims, flow.linkUserId)) {
          this.linked(provider, flow.linkUserId, client);
        }
        return withParams(flow.returnTo, { linked: provider });
      }
      const { account, outcome: how } = await this.accounts.signIn(provider, outcome.claims);
      if (how === 'linked') this.linked(provider, account.id, client);
      const code = await this.flows.issueCode(account.id, provider, account.sessionsValidAfter);
      this.emit(FederationEvent.OidcLogin, {
        provider,
        userId: account.id,
        actorId: account.id,
        client,
        details: { outcome: how },
      });
      return withParams(flow.returnTo, { code });
    } catch (error) {
      if (error instanceof CallbackRefused) return refuse(flow.returnTo, error);
      throw error;
    }
  }

  /** `POST /auth/oidc/exchange`: the code's sign-in, once, within 60 s; else 400 `invalid_grant`. */
  async exchange(code: string, client: ClientInfo): Promise<TokenResponseDto> {
    const invalid = () =>
      new BadRequestException({
        code: ErrorCode.InvalidGrant,
        message: 'The code is unknown, used or expired',
      });
    const redeemed = await this.flows.redeemCode(code);
    if (!redeemed) throw invalid();
    // Deleted since the callback: the code has no account to sign in to.
    const profile = await this.users.findProfile(redeemed.userId).catch(() => null);
    if (!profile) throw invalid();
    const { email, roles } = profile;
    return this.auth.signIn(
      {
        id: redeemed.userId,
        roles,
        email,
        sessionsValidAfter: redeemed.sessionsValidAfter,
        amr: FEDERATED_AMR,
      },
      client,
    );
  }

  private linked(provider: string, userId: string, client: ClientInfo): void {
    this.emit(FederationEvent.IdentityLinked, { provider, userId, actorId: userId, client });
  }

  /** Fire and forget, as sign-in events are: auditing never fails a sign-in. */
  private emit(event: string, payload: FederationEventPayload): void {
    this.events.emit(event, payload);
  }
}
