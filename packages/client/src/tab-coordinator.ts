/** An access token and when it expires (epoch milliseconds). */
export interface AccessToken {
  token: string;
  expiresAt: number;
}

/** What tabs of one origin tell each other. Never the refresh token: that stays in the cookie. */
type TabMessage =
  | { type: 'tokens'; access: AccessToken; at: number }
  | { type: 'ended'; code: string; message: string };

/**
 * The slices of the Web Locks, BroadcastChannel and Storage APIs used here (so the code also
 * compiles without the DOM lib, as in the repository's Node tests).
 */
interface Channel {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}
interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

interface LockManager {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/**
 * Makes exactly one tab refresh. Every refresh runs under one Web Lock per API (or, without Web
 * Locks, after a "refreshing" claim on the channel); whoever gets it next first checks the
 * marker the last refresher wrote in localStorage (a time, nothing secret): when another tab
 * refreshed after this one found its token stale, it takes that tab's access token from the
 * BroadcastChannel instead of presenting the cookie's token a second time.
 */
export class TabCoordinator {
  private readonly channel?: Channel;
  private readonly name: string;
  private latest?: { access: AccessToken; at: number };
  private waiters = new Set<() => void>();
  private claimedUntil = 0;

  constructor(
    baseUrl: string,
    private readonly onTokens: (access: AccessToken) => void,
    private readonly onEnded: (code: string, message: string) => void,
  ) {
    this.name = `sentinel-refresh ${baseUrl}`;
    if (typeof BroadcastChannel === 'function') {
      const channel = new BroadcastChannel(this.name) as unknown as Channel;
      channel.onmessage = (event) => this.receive(event.data as TabMessage | { type: 'claim' });
      this.channel = channel;
    }
  }

  /** Runs `refresh` unless another tab refreshed since `since`; either way, a fresh token. */
  async refresh(since: number, refresh: () => Promise<AccessToken>): Promise<AccessToken> {
    const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
    if (locks) return locks.request(this.name, () => this.refreshUnlessDone(since, refresh));
    // BroadcastChannel alone: claim the refresh; a tab that saw a recent claim waits for it.
    if (Date.now() < this.claimedUntil) {
      const taken = await this.tokenAfter(since, 5_000);
      if (taken) return taken;
    }
    this.channel?.postMessage({ type: 'claim' });
    return this.refreshUnlessDone(since, refresh);
  }

  /** Tells the other tabs that the session is over (signed out, revoked, reused). */
  announceEnded(code: string, message: string): void {
    this.channel?.postMessage({ type: 'ended', code, message } satisfies TabMessage);
  }

  /** Gives the other tabs a token this tab obtained (a sign-in). */
  share(access: AccessToken): void {
    const at = Date.now();
    this.latest = { access, at };
    this.writeMarker(at);
    this.channel?.postMessage({ type: 'tokens', access, at } satisfies TabMessage);
  }

  close(): void {
    this.channel?.close();
  }

  private async refreshUnlessDone(
    since: number,
    refresh: () => Promise<AccessToken>,
  ): Promise<AccessToken> {
    const marker = this.readMarker();
    if (marker !== undefined && marker > since) {
      const taken = await this.tokenAfter(marker, 5_000);
      if (taken) return taken;
    }
    const access = await refresh();
    this.share(access);
    return access;
  }

  /** The token another tab broadcast at or after `at`, waiting for it up to `timeout` ms. */
  private async tokenAfter(at: number, timeout: number): Promise<AccessToken | undefined> {
    const deadline = Date.now() + timeout;
    while (!(this.latest && this.latest.at >= at) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, deadline - Date.now());
        this.waiters.add(done);
      });
    }
    return this.latest && this.latest.at >= at ? this.latest.access : undefined;
  }

  private receive(message: TabMessage | { type: 'claim' }): void {
    if (message.type === 'claim') {
      this.claimedUntil = Date.now() + 5_000;
    } else if (message.type === 'tokens') {
      if (!this.latest || message.at >= this.latest.at) this.latest = message;
      this.claimedUntil = 0;
      this.onTokens(message.access);
    } else if (message.type === 'ended') {
      this.latest = undefined;
      this.onEnded(message.code, message.message);
    }
    for (const wake of [...this.waiters]) wake();
  }

  private readMarker(): number | undefined {
    const value = storage()?.getItem(this.name);
    return value ? Number(value) : undefined;
  }

  private writeMarker(at: number): void {
    storage()?.setItem(this.name, String(at));
  }
}

/** localStorage where there is one (a page); a worker or Node has none and relies on the lock. */
function storage(): KeyValueStore | undefined {
  try {
    return (globalThis as { localStorage?: KeyValueStore }).localStorage;
  } catch {
    return undefined; // storage disabled by the browser's settings
  }
}
