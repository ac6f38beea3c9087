import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { VerificationKeys } from './access-token-verifier.js';
import { keyProblem } from './key-files.js';

export interface RemoteJwksOptions {
  /** The issuer's `/.well-known/jwks.json`. */
  url: string;
  algorithm: 'RS256' | 'ES256';
  /** Re-read the document this often; match the issuer's Cache-Control max-age. */
  refreshIntervalMs?: number;
  /** An unknown kid triggers a re-read, at most this often (a flood of bogus kids costs one). */
  minRefetchIntervalMs?: number;
  timeoutMs?: number;
}

const fits = (algorithm: RemoteJwksOptions['algorithm'], jwk: JsonWebKey & { alg?: string }) =>
  (jwk.alg === undefined || jwk.alg === algorithm) &&
  (algorithm === 'RS256' ? jwk.kty === 'RSA' : jwk.kty === 'EC' && jwk.crv === 'P-256');

/**
 * Verification keys fetched from an issuer's JWKS, for a resource server that has no key files.
 * Lookups stay synchronous (a map): the document is read at start and refreshed in the
 * background, on a timer and when an unknown kid shows up. The issuer publishes a new key
 * before it signs with it, so a refreshed cache already holds it when the first token arrives.
 * Keys are taken only from this URL: a token's own `jku`, `x5u` or `jwk` header is never used.
 */
export class RemoteJwks implements VerificationKeys, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RemoteJwks');
  private keys = new Map<string, KeyObject>();
  private lastFetch = 0;
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(private readonly options: RemoteJwksOptions) {}

  verificationKey(kid: unknown): KeyObject | undefined {
    if (typeof kid !== 'string') return undefined;
    const key = this.keys.get(kid);
    if (!key && Date.now() - this.lastFetch >= (this.options.minRefetchIntervalMs ?? 30_000)) {
      void this.refresh();
    }
    return key;
  }

  get kids(): string[] {
    return [...this.keys.keys()];
  }

  async onModuleInit(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.options.refreshIntervalMs ?? 300_000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Re-reads the document; on failure the keys already known stay in use. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    this.lastFetch = Date.now();
    try {
      const response = await fetch(this.options.url, {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
        redirect: 'error',
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const document = (await response.json()) as {
        keys?: (JsonWebKey & { kid?: string; alg?: string; use?: string })[];
      };
      const keys = new Map<string, KeyObject>();
      for (const jwk of document.keys ?? []) {
        if (typeof jwk.kid !== 'string' || jwk.use === 'enc' || !fits(this.options.algorithm, jwk))
          continue;
        // Public parameters only: a private `d` is never read, even if a document held one.
        const { kty, n, e, crv, x, y } = jwk;
        const key = createPublicKey({ key: { kty, n, e, crv, x, y } as JsonWebKey, format: 'jwk' });
        // The same bar as for local key files: a short RSA key is refused, not trusted.
        const problem = keyProblem(this.options.algorithm, key);
        if (problem) {
          this.logger.warn(`Ignored key ${jwk.kid} of ${this.options.url}: it ${problem}`);
          continue;
        }
        keys.set(jwk.kid, key);
      }
      this.keys = keys;
    } catch (error) {
      this.logger.warn(`Cannot read ${this.options.url}: ${(error as Error).message}`);
    }
  }
}
