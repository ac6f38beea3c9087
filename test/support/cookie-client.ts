/**
 * An HTTP client that keeps cookies and follows redirects one hop at a time, like a browser
 * without scripts: enough to drive a sign-in through a provider from a test. Cookies are kept per
 * host, as browsers do (not per port), and sent to every path.
 */
export class CookieClient {
  private readonly jar = new Map<string, Map<string, string>>();

  /** Follows redirects from `url` until `stop` says so (that URL is not requested) or a non-redirect. */
  async follow(
    url: string,
    stop: (next: URL) => boolean = () => false,
    init: RequestInit = {},
  ): Promise<{ url: URL; status: number; stopped: boolean }> {
    let current = new URL(url);
    let request = init;
    for (let hop = 0; hop < 20; hop += 1) {
      const response = await this.fetch(current, request);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        await response.body?.cancel();
        return { url: current, status: response.status, stopped: false };
      }
      await response.body?.cancel();
      current = new URL(location, current);
      request = {};
      if (stop(current)) return { url: current, status: response.status, stopped: true };
    }
    throw new Error('too many redirects');
  }

  async fetch(url: URL | string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = [...(this.jar.get(target.hostname) ?? new Map())]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const headers = new Headers(init.headers);
    if (cookies) headers.set('cookie', cookies);
    const response = await fetch(target, { ...init, headers, redirect: 'manual' });
    this.store(target.hostname, response.headers.getSetCookie());
    return response;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  private store(host: string, setCookies: string[]): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    this.jar.set(host, cookies);
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const expired = attributes.some((attribute) => {
        const [key, raw = ''] = attribute.split('=');
        if (key.toLowerCase() === 'max-age') return Number(raw) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(raw) <= Date.now();
        return false;
      });
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
  }
}
