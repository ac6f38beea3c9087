// One autocannon run (programmatic API) and the figures kept from it.
import autocannon from 'autocannon';

/**
 * Drives `options.url` for `duration` seconds with `connections` connections.
 * @returns {{ rps: number, p50: number, p99: number, requests: number, errors: number,
 *   timeouts: number, non2xx: number, statusCodes: Record<string, number> }}
 */
export async function runLoad(options, { duration, connections }) {
  const result = await autocannon({
    ...options,
    duration,
    connections,
    pipelining: 1,
    timeout: 10,
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
    ),
  };
}
