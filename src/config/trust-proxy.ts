import { isIP } from 'node:net';
import type { FastifyServerOptions } from 'fastify';

/**
 * TRUST_PROXY, parsed: `false` (no proxy), a hop count, the proxies' addresses/CIDRs, or `true`
 * (every hop, development only). The client address is the right-most X-Forwarded-For entry that
 * is not a trusted proxy.
 */
export type TrustProxy = boolean | number | string[];

/** The names proxy-addr (which Fastify uses) knows for the private and loopback ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * Reads TRUST_PROXY: `false`/`0`/empty, `true`, a whole number of proxies in front of the app, or
 * a comma list of their addresses and CIDRs. `undefined` for anything else, so the caller can
 * name the variable in its error.
 */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const trimmed = value.trim().toLowerCase();
  if (['', 'false', 'no', '0'].includes(trimmed)) return false;
  if (['true', 'yes'].includes(trimmed)) return true;
  if (/^\d+$/.test(trimmed))
    return Number.isSafeInteger(Number(trimmed)) ? Number(trimmed) : undefined;
  const entries = trimmed
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.length > 0 && entries.every(isProxyAddress) ? entries : undefined;
}

/**
 * What Fastify's `trustProxy` gets. A hop count becomes a function: Fastify 5 trusts nothing when
 * given a bare number (it cannot tell a proxy from a direct caller), while TRUST_PROXY=N states
 * that the app is reachable only through N proxies, so the N nearest hops are those proxies.
 */
export function fastifyTrustProxy(setting: TrustProxy): FastifyServerOptions['trustProxy'] {
  if (typeof setting !== 'number') return setting;
  return (_address: string, hop: number) => hop < setting;
}
