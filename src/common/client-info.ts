import { isIPv4, isIPv6 } from 'node:net';

/**
 * Where a request came from: recorded with the session it opens and in the audit trail. Shared by
 * `auth`, `tokens` and `users` (whose events carry it), so it lives below all three.
 */
export interface ClientInfo {
  userAgent?: string;
  ip?: string;
}

/** The client of a Fastify request: its address (as TRUST_PROXY allows) and user agent. */
export function clientInfo(request: {
  ip: string;
  headers: { 'user-agent'?: string };
}): ClientInfo {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** The first four 16-bit groups of an IPv6 address, `::` expanded, in lower-case hex. */
function first64Bits(address: string): string[] {
  const [head, tail] = address.split('%')[0].split('::');
  const before = head ? head.split(':') : [];
  const after = tail ? tail.split(':') : [];
  // An embedded IPv4 address (64:ff9b::192.0.2.1) stands for two groups.
  const width = after.length + (after.at(-1)?.includes('.') ? 1 : 0);
  const groups =
    tail === undefined
      ? before
      : [...before, ...Array(8 - before.length - width).fill('0'), ...after];
  return groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16));
}

/**
 * The key a client address is counted under by rate limits and lockouts: an IPv4 address as it
 * is (also when written IPv4-mapped, `::ffff:192.0.2.1`), an IPv6 address by its /64 prefix, the
 * smallest block one subscriber gets (RFC 6177), so a client cannot pick a fresh address from its
 * own block for every attempt. Anything else (not an address) as it is.
 */
export function addressKey(address: string): string {
  const mapped = IPV4_MAPPED.exec(address)?.[1];
  if (mapped && isIPv4(mapped)) return mapped;
  if (!isIPv6(address)) return address;
  return `${first64Bits(address).join(':')}::/64`;
}
