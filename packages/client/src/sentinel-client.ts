import createClient, { type Client } from 'openapi-fetch';
import { isMfaChallenge, type MfaChallenge, type MfaProof } from './mfa.js';
import type { components, paths } from './openapi.js';
import { SentinelError } from './sentinel-error.js';
import { singleFlight } from './single-flight.js';
import { TabCoordinator, type AccessToken } from './tab-coordinator.js';
import { memoryStorage, type RefreshTokenStorage } from './token-storage.js';

type Schemas = components['schemas'];
export type TokenResponse = Schemas['TokenResponseDto'];
export type Session = Schemas['SessionResponseDto'];

export interface SentinelClientOptions {
  /** Where Sentinel answers, e.g. `https://auth.example.com`. */
  baseUrl: string;
  /**
   * `cookie` (browsers): the refresh token only in the HttpOnly cookie, tabs coordinated.
   * `memory` (Node, services, mobile): the refresh token in `storage`.
   */
  mode: 'memory' | 'cookie';
  /** `memory` mode: where the refresh token is kept (default: this process's memory). */
  storage?: RefreshTokenStorage;
  /** The session is over (refresh refused, token revoked, signed out in another tab). */
  onSessionEnded?: (error: SentinelError) => void;
  /**
   * Refresh this many ms before the access token expires (default: a tenth of its life, at most
   * 30 s). Negative: keep using it that long past its expiry, leaving it to the server's 401.
   */
  refreshBeforeExpiry?: number;
  /** A `fetch` to use instead of the global one. */
  fetch?: (request: Request) => Promise<Response>;
}

/** What `signIn` resolves with: signed in, or the second step the account asks for. */
export type SignInResult = { mfaRequired: false } | MfaChallenge;

export interface SentinelClient {
  /** Every operation of the API, typed from its OpenAPI document; the access token is attached. */
  readonly api: Client<paths>;
  signIn(email: string, password: string): Promise<SignInResult>;
  /** The second step of a sign-in that answered `mfaRequired` (`POST /auth/login/mfa`). */
  completeMfa(mfaToken: string, proof: MfaProof): Promise<SignInResult>;
  /** Picks up an existing session: the cookie (browsers) or the stored refresh token. */
  resume(): Promise<boolean>;
  /** Who is signed in, from `GET /auth/session`; `undefined` when nobody is. */
  session(): Promise<Session | undefined>;
  signOut(): Promise<void>;
  readonly signedIn: boolean;
  /** Stops listening to other tabs. */
  close(): void;
}

/** Auth routes that take no access token and are never retried. */
const UNAUTHENTICATED = /\/auth\/(login|refresh)(\/|$)/;

export function createSentinelClient(options: SentinelClientOptions): SentinelClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const cookieMode = options.mode === 'cookie';
  const storage = options.storage ?? memoryStorage();
  const send = options.fetch ?? ((request: Request) => fetch(request));
  const credentials: 'include' | 'same-origin' = cookieMode ? 'include' : 'same-origin';
  let access: AccessToken | undefined;

  const adopt = (next: AccessToken) => {
    if (!access || next.expiresAt >= access.expiresAt) access = next;
  };
  const endSession = (error: SentinelError, tell: boolean) => {
    const hadSession = access !== undefined;
    access = undefined;
    if (tell) tabs?.announceEnded(error.code, error.message);
    if (hadSession || tell) options.onSessionEnded?.(error);
  };
  const tabs = cookieMode
    ? new TabCoordinator(baseUrl, adopt, (code, message) =>
        endSession(new SentinelError({ statusCode: 401, code, message }), false),
      )
    : undefined;

  const post = (path: string, body: unknown, token?: string) =>
    send(
      new Request(`${baseUrl}${path}`, {
        method: 'POST',
        credentials,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );

  /** Takes a token response: the access token in memory, the refresh token where it belongs. */
  const accept = async (tokens: TokenResponse): Promise<AccessToken> => {
    const next = { token: tokens.accessToken, expiresAt: Date.now() + tokens.expiresIn * 1000 };
    if (!cookieMode) await storage.set(tokens.refreshToken);
    access = next;
    return next;
  };

  const refreshOnServer = async (): Promise<AccessToken> => {
    const stored = cookieMode ? undefined : await storage.get();
    if (!cookieMode && !stored) {
      throw new SentinelError({ statusCode: 401, code: 'no_session', message: 'Not signed in' });
    }
    const response = await post(
      '/auth/refresh',
      cookieMode ? { refreshTokenTransport: 'cookie' } : { refreshToken: stored },
    );
    if (response.ok) return accept((await response.json()) as TokenResponse);
    const error = await SentinelError.from(response);
    // A 401 (or a 400 for a malformed token) means the session cannot go on; 429 or 503 do not.
    if (response.status === 401 || response.status === 400) {
      if (!cookieMode) await storage.set(undefined);
      endSession(error, true);
    }
    throw error;
  };

  /** One refresh at a time in this client; across tabs, one at a time per origin. */
  const refresh = singleFlight(() => {
    const since = Date.now();
    return tabs ? tabs.refresh(since, refreshOnServer) : refreshOnServer();
  });

  const leeway = (token: AccessToken) =>
    options.refreshBeforeExpiry ??
    Math.min(30_000, Math.max(0, (token.expiresAt - Date.now()) / 10));

  const authFetch = async (request: Request): Promise<Response> => {
    if (UNAUTHENTICATED.test(new URL(request.url).pathname)) return send(request);
    if (access && access.expiresAt - Date.now() <= leeway(access)) await refresh();
    const sent = access?.token;
    if (!sent) return send(request);
    const retry = request.clone();
    const response = await send(withToken(request, sent));
    if (response.status !== 401) return response;
    const error = await SentinelError.from(response);
    if (error.code === 'token_expired') {
      // Another request may have refreshed already: then only retry with its token.
      if (access?.token === sent) await refresh();
      return access ? send(withToken(retry, access.token)) : response;
    }
    if (
      access?.token === sent &&
      (error.code === 'token_revoked' || error.code === 'invalid_token')
    ) {
      endSession(error, true);
    }
    return response;
  };

  const api = createClient<paths>({ baseUrl, fetch: authFetch, credentials });

  const signedIn = async (response: Response): Promise<SignInResult> => {
    if (!response.ok) throw await SentinelError.from(response);
    const body = (await response.json()) as TokenResponse | MfaChallenge;
    if (isMfaChallenge(body)) return body;
    const started = await accept(body as TokenResponse);
    tabs?.share(started);
    return { mfaRequired: false };
  };
  const transport = cookieMode ? { refreshTokenTransport: 'cookie' } : {};

  const client: SentinelClient = {
    api,
    get signedIn() {
      return access !== undefined;
    },
    async signIn(email, password) {
      return signedIn(await post('/auth/login', { email, password, ...transport }));
    },
    async completeMfa(mfaToken, proof) {
      return signedIn(await post('/auth/login/mfa', { mfaToken, ...proof, ...transport }));
    },
    async resume() {
      if (access) return true;
      try {
        await refresh();
        return true;
      } catch (error) {
        if (error instanceof SentinelError && error.status === 401) return false;
        throw error;
      }
    },
    async session() {
      if (!access && !(await client.resume())) return undefined;
      const { data, error, response } = await api.GET('/auth/session');
      if (data) return data;
      if (response.status === 401) return undefined;
      throw new SentinelError(error as never);
    },
    async signOut() {
      const token = access?.token;
      access = undefined;
      if (!cookieMode) await storage.set(undefined);
      // Clears the cookie too; a token that no longer works has nothing left to end.
      if (token) await post('/auth/logout', undefined, token).catch(() => undefined);
      tabs?.announceEnded('signed_out', 'Signed out in another tab');
    },
    close() {
      tabs?.close();
    },
  };
  return client;
}

function withToken(request: Request, token: string): Request {
  const headers = new Headers(request.headers);
  headers.set('authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}
