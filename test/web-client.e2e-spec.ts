import type { Browser, BrowserContext, Page } from 'playwright-core';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { registerUser } from './factories/user.factory.js';
import { describeWithChromium, launchChromium } from './support/browser.js';
import { freePort } from './support/free-port.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { serveWebApp, type WebApp } from './support/web-app.js';

/** What the page functions below touch (evaluated in Chromium, compiled without the DOM lib). */
declare const document: { body: { dataset: Record<string, string | undefined> }; cookie: string };

/**
 * `examples/web` (through `@sentinel/client` in cookie mode) in real Chromium against a real
 * Sentinel whose access tokens live 5 s: the app on one localhost port, the API on another.
 */
describeWithChromium('the example web app')('the example web app in Chromium', () => {
  let t: TestApp;
  let web: WebApp;
  let browser: Browser;
  let context: BrowserContext;
  let user: Awaited<ReturnType<typeof registerUser>>;

  beforeAll(async () => {
    const [webPort, apiPort] = [await freePort(), await freePort()];
    web = await serveWebApp(webPort, `http://localhost:${apiPort}`);
    t = await createTestApp(
      { ACCESS_TOKEN_TTL: '5s', JWT_CLOCK_TOLERANCE: '0', CORS_ORIGINS: web.url },
      { listen: apiPort },
    );
    browser = await launchChromium();
    context = await browser.newContext();
    user = await registerUser(t.http);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await t?.close();
  });

  const query = async <T>(sql: string, parameters: unknown[]) =>
    (await t.app.get(DataSource).query(sql, parameters)) as T[];
  const currentSession = async () =>
    (
      await query<{ id: string }>(
        `SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL
          ORDER BY created_at DESC LIMIT 1`,
        [user.id],
      )
    )[0]?.id;
  /** Refresh tokens issued for a session: one at sign-in, one per refresh. */
  const issued = async (sessionId: string) =>
    (
      await query<{ n: number }>(
        'SELECT count(*)::int AS n FROM refresh_tokens WHERE session_id = $1',
        [sessionId],
      )
    )[0].n;
  /** Reuse detections recorded for the user's sessions (audit events are written in batches). */
  const reuses = async () => {
    await t.auditWritten();
    return (
      await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events
          WHERE type = 'refresh_token_reused' AND details->>'sessionId' IN
                (SELECT id::text FROM sessions WHERE user_id = $1)`,
        [user.id],
      )
    )[0].n;
  };
  const view = (page: Page, name: 'signed-in' | 'signed-out') =>
    page.waitForSelector(`body[data-view="${name}"]`, { timeout: 15_000 });
  const profileLoads = (page: Page) =>
    page.evaluate(() => Number(document.body.dataset.profileLoads ?? 0));
  const reloadProfile = async (page: Page) => {
    const before = await profileLoads(page);
    await page.click('#reload-profile');
    await page.waitForFunction((n) => Number(document.body.dataset.profileLoads ?? 0) > n, before, {
      timeout: 15_000,
    });
  };
  /** Past the 5 s access token (the server checks `exp` to the second). */
  const pastExpiry = () => sleep(6_100);

  let tab1: Page;
  let tab2: Page;
  let sessionId: string;

  it('signs in; the refresh token never reaches the page', async () => {
    tab1 = await context.newPage();
    await tab1.goto(web.url);
    await view(tab1, 'signed-out');
    await tab1.fill('input[name=email]', user.email);
    await tab1.fill('input[name=password]', user.password);
    const login = tab1.waitForResponse((response) => response.url().endsWith('/auth/login'));
    await tab1.click('#sign-in button[type=submit]');
    await view(tab1, 'signed-in');

    const body = (await (await login).json()) as Record<string, unknown>;
    expect(body.accessToken).toEqual(expect.any(String));
    expect(body).not.toHaveProperty('refreshToken');
    expect(await tab1.textContent('[data-field=email]')).toBe(user.email);
    // HttpOnly, and on Sentinel's origin: nothing a script on the app's page can read.
    expect(await tab1.evaluate(() => document.cookie)).not.toContain('refresh_token');
    const [cookie] = await context.cookies(
      `${t.url!.replace('127.0.0.1', 'localhost')}/auth/refresh`,
    );
    expect(cookie).toMatchObject({
      name: 'refresh_token',
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: '/auth',
    });
    sessionId = (await currentSession())!;
    expect(await issued(sessionId)).toBe(1);
  });

  it('still acts after the access token expired, with one refresh', async () => {
    await pastExpiry();
    await reloadProfile(tab1);
    expect(await issued(sessionId)).toBe(2);
    expect(await tab1.textContent('[data-field=email]')).toBe(user.email);
  });

  it('two tabs past expiry act at once: both succeed and the session lives on', async () => {
    tab2 = await context.newPage();
    await tab2.goto(web.url); // picks the session up from the cookie
    await view(tab2, 'signed-in');
    await pastExpiry();
    const before = await issued(sessionId);

    await Promise.all([reloadProfile(tab1), reloadProfile(tab2)]);

    expect(await issued(sessionId)).toBeGreaterThan(before);
    expect(await reuses()).toBe(0);
    expect(await currentSession()).toBe(sessionId);
    // And once more, the cookie's latest token still works in both.
    await pastExpiry();
    await Promise.all([reloadProfile(tab2), reloadProfile(tab1)]);
    expect(await reuses()).toBe(0);
    expect(await currentSession()).toBe(sessionId);
  });

  it('revoking the session in tab 1 sends tab 2 to the sign-in screen', async () => {
    await tab1.click('#reload-sessions');
    await tab1.click(`li[data-session-id="${sessionId}"] button`);
    await view(tab1, 'signed-out');
    await view(tab2, 'signed-out');
    expect(await currentSession()).toBeUndefined();
    // A reload finds no session either: the cookie's refresh token is refused.
    await tab2.reload();
    await view(tab2, 'signed-out');
    expect(await reuses()).toBe(0);
  });

  it('signs out', async () => {
    await tab1.fill('input[name=email]', user.email);
    await tab1.fill('input[name=password]', user.password);
    await tab1.click('#sign-in button[type=submit]');
    await view(tab1, 'signed-in');

    await tab1.click('#sign-out');
    await view(tab1, 'signed-out');
    expect(await currentSession()).toBeUndefined();
    await tab1.reload();
    await view(tab1, 'signed-out');
  });
});
