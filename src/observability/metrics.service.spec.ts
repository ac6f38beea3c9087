import { MetricsService } from './metrics.service.js';

const sample = async (metrics: MetricsService, name: string, labels: Record<string, string>) => {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const values = (metric?.values ?? []) as { labels: Record<string, unknown>; value: number }[];
  return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
};

describe('MetricsService', () => {
  it('observes a request in seconds under its route pattern', async () => {
    const metrics = new MetricsService();
    metrics.observeRequest('GET', '/users/:id', 200, 1500);
    const text = await metrics.registry.getSingleMetricAsString('http_request_duration_seconds');
    expect(text).toContain(
      'http_request_duration_seconds_sum{method="GET",route="/users/:id",status="200"} 1.5',
    );
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="2.5",method="GET",route="/users/:id",status="200"} 1',
    );
  });

  it('keeps one series per method, route and status, counting each apart', async () => {
    const metrics = new MetricsService();
    const seen: [string, string | undefined, number][] = [
      ['GET', '/users/me', 200],
      ['GET', '/users/me', 200],
      ['GET', '/users/me', 401],
      ['PATCH', '/users/me', 200],
      ['GET', '/auth/session', 200],
    ];
    for (const [method, route, status] of seen) metrics.observeRequest(method, route, status, 2);
    const counts = (await metrics.render())
      .split('\n')
      .filter((line) => line.startsWith('http_request_duration_seconds_count'));

    expect(counts.sort()).toEqual([
      'http_request_duration_seconds_count{method="GET",route="/auth/session",status="200"} 1',
      'http_request_duration_seconds_count{method="GET",route="/users/me",status="200"} 2',
      'http_request_duration_seconds_count{method="GET",route="/users/me",status="401"} 1',
      'http_request_duration_seconds_count{method="PATCH",route="/users/me",status="200"} 1',
    ]);
  });

  it('files requests no route matched under one label, whatever their URL', async () => {
    const metrics = new MetricsService();
    metrics.observeRequest('GET', undefined, 404, 1);
    metrics.observeRequest('GET', undefined, 404, 1);
    const text = await metrics.render();
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 2',
    );
  });

  it('exports every login and refresh outcome from the start, at 0', async () => {
    const metrics = new MetricsService();
    for (const outcome of ['success', 'invalid_credentials', 'locked'])
      expect(await sample(metrics, 'sentinel_logins_total', { outcome })).toBe(0);
    for (const outcome of ['success', 'retried', 'reuse_detected', 'refused'])
      expect(await sample(metrics, 'sentinel_token_refreshes_total', { outcome })).toBe(0);
  });

  it('keeps each instance to its own registry, with the default process metrics', async () => {
    const [a, b] = [new MetricsService(), new MetricsService()];
    a.logins.inc({ outcome: 'success' });
    expect(await sample(a, 'sentinel_logins_total', { outcome: 'success' })).toBe(1);
    expect(await sample(b, 'sentinel_logins_total', { outcome: 'success' })).toBe(0);
    expect(await b.render()).toContain('process_cpu_user_seconds_total');
  });
});
