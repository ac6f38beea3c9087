import Provider from 'oidc-provider';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from './free-port.js';

export interface ProviderAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** Rewrites the ID token the token endpoint returns (an attacker's token, a replay). */
export type IdTokenTamper = (idToken: string) => Promise<string>;

type Koa = { path: string; method: string; body: unknown };

/**
 * A real OpenID provider (npm `oidc-provider`) on a loopback port, with one confidential client
 * and a login step that signs in `nextAccount` without a person: the code flow with PKCE runs as
 * with any provider. The port is chosen first and the server started later (`listen`), so a test
 * can see Sentinel wait for a provider that is down.
 */
export class TestOpenIdProvider {
  readonly clientId = 'sentinel';
  readonly clientSecret = randomBytes(24).toString('base64url');
  /** Who signs in at the next login step. */
  nextAccount: ProviderAccount = { sub: 'nobody' };
  /** Seconds an authorization code lives (oidc-provider's default: 60). */
  codeTtl = 60;
  /** When set, applied to every ID token the token endpoint returns. */
  tamper?: IdTokenTamper;
  /** The provider's own signing key, to forge tokens it would sign. */
  signingKey: { privateKey: CryptoKey; kid: string };
  private server?: Server;
  private provider: {
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: unknown,
      options: unknown,
    ): Promise<void>;
    use(middleware: (ctx: Koa, next: () => Promise<void>) => Promise<void>): void;
    Grant: new (options: { clientId: string; accountId: string }) => {
      addOIDCScope(scope: string): void;
      addOIDCClaims(claims: string[]): void;
      save(): Promise<string>;
    };
  };

  private constructor(
    readonly port: number,
    readonly issuer: string,
  ) {}

  static async create(): Promise<TestOpenIdProvider> {
    const port = await freePort();
    return new TestOpenIdProvider(port, `http://127.0.0.1:${port}`);
  }

  /** Builds the provider for these redirect URIs and starts serving. */
  async listen(redirectUris: string[]): Promise<void> {
    if (!this.provider) await this.build(redirectUris);
    const handle = this.provider.callback();
    this.server = createServer((req, res) => {
      if (req.url?.startsWith('/interaction/')) void this.login(req, res);
      else handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Stops serving (the provider goes down); `listen` brings it back. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** An ID token as this provider would sign it, with `changes` to its claims, signed by `key`. */
  static async resign(
    idToken: string,
    changes: Record<string, unknown>,
    key: { privateKey: CryptoKey; kid: string },
  ): Promise<string> {
    return new SignJWT({ ...decodeJwt(idToken), ...changes })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  private async build(redirectUris: string[]): Promise<void> {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk: JWK = {
      ...(await exportJWK(privateKey)),
      kid: 'provider-key',
      alg: 'RS256',
      use: 'sig',
    };
    this.signingKey = { privateKey: privateKey as CryptoKey, kid: 'provider-key' };
    const accounts = () => this.nextAccount;
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: this.clientId,
          client_secret: this.clientSecret,
          redirect_uris: redirectUris,
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      pkce: { required: () => true },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      features: { devInteractions: { enabled: false } },
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
      },
      findAccount: (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: () => ({ ...accounts(), sub }),
      }),
      // Consent is given by the test: every grant covers what the client asks for.
      loadExistingGrant: async (ctx: {
        oidc: { client: { clientId: string }; session: { accountId: string } };
      }) => {
        const grant = new provider.Grant({
          clientId: ctx.oidc.client.clientId,
          accountId: ctx.oidc.session.accountId,
        });
        grant.addOIDCScope('openid email profile');
        grant.addOIDCClaims(['email', 'email_verified', 'name']);
        await grant.save();
        return grant;
      },
      ttl: { AuthorizationCode: () => this.codeTtl },
    });
    provider.use(async (ctx: Koa, next: () => Promise<void>) => {
      await next();
      const body = ctx.body as { id_token?: string } | undefined;
      if (ctx.path === '/token' && this.tamper && body?.id_token) {
        ctx.body = { ...body, id_token: await this.tamper(body.id_token) };
      }
    });
    this.provider = provider;
  }

  /** The login step: `nextAccount` signs in, as a person would have. */
  private async login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.provider.interactionFinished(
        req,
        res,
        { login: { accountId: this.nextAccount.sub } },
        { mergeWithLastSubmission: false },
      );
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  }
}
