import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { signIn } from './factories/session.factory.js';
import { registerUser } from './factories/user.factory.js';
import { describeWithChromium, launchChromium } from './support/browser.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const ARTIFACTS = 'test-artifacts';
const USERS_ME = '#operations-users-users_me';

const describeBrowser = describeWithChromium('Swagger UI');

describeBrowser('Swagger UI in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await createTestApp({}, { listen: true });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.setDefaultTimeout(20_000);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Clicks "Execute" on GET /users/me and waits for the request and for the page to show it. */
  async function execute(expectedStatus: number): Promise<string> {
    const operation = page.locator(USERS_ME);
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => new URL(r.url()).pathname === '/users/me' && r.request().method() === 'GET',
      ),
      operation.locator('button.execute').click(),
    ]);
    expect(response.status()).toBe(expectedStatus);
    const live = operation.locator('.live-responses-table');
    const status = live.locator('.response .response-col_status', {
      hasText: String(expectedStatus),
    });
    await status.waitFor({ state: 'visible' });
    await status.scrollIntoViewIfNeeded();
    expect((await status.innerText()).trim()).toBe(String(expectedStatus));
    return live.locator('.response .response-col_description').innerText();
  }

  /** Opens "Authorize", fills the scheme whose input is `input` with `value`, applies it, closes. */
  async function authorize(input: string, value: string): Promise<void> {
    await page.locator('.scheme-container .btn.authorize').click();
    const dialog = page.locator('.modal-ux');
    // One container per security scheme (bearer, API key, OAuth 2 client credentials).
    const scheme = dialog.locator('.auth-container', { has: page.locator(input) });
    await scheme.locator(input).fill(value);
    await scheme.locator('.auth-btn-wrapper button.authorize').click();
    // Once applied, the scheme shows its value masked instead of the input.
    await page.locator(input).waitFor({ state: 'detached' });
    await dialog.locator('.auth-btn-wrapper button.btn-done').first().click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.scheme-container .btn.authorize.locked').waitFor({ state: 'visible' });
  }

  it('authorizes with a token from /auth/login, runs GET /users/me, and shows 401 after logout', async () => {
    const user = await registerUser(t.http);
    const { accessToken } = await signIn(t.http, user.email, user.password);

    await page.goto(`${t.url}/docs`, { waitUntil: 'networkidle' });
    await page.locator(`${USERS_ME} .opblock-summary`).waitFor({ state: 'visible' });

    // Authorize: paste the access token into the bearer field of the dialog.
    await authorize('#auth-bearer-value', accessToken);

    // GET /users/me: expand, "Try it out", "Execute".
    await page.locator(`${USERS_ME} .opblock-summary`).first().click();
    await page.locator(`${USERS_ME} .try-out__btn`).click();
    const body = await execute(200);
    expect(body).toContain(user.email);
    await page.screenshot({ path: `${ARTIFACTS}/swagger-ui.png` });

    // Log out through the API: the same token, executed again in the page, is refused.
    await t.http
      .post('/auth/logout')
      .set({ authorization: `Bearer ${accessToken}` })
      .expect(204);
    const refused = await execute(401);
    expect(refused).not.toContain(user.email);
    await page.screenshot({ path: `${ARTIFACTS}/swagger-ui-401.png` });
  }, 90_000);

  it('authorizes with an API key and shows the scope GET /projects needs', async () => {
    const user = await registerUser(t.http);
    const { accessToken } = await signIn(t.http, user.email, user.password);
    const auth = { authorization: `Bearer ${accessToken}` };
    await t.http.post('/projects').set(auth).send({ name: 'Seen through a key' }).expect(201);
    const { key } = (
      await t.http
        .post('/users/me/api-keys')
        .set(auth)
        .send({ name: 'explorer', scopes: ['projects:read'] })
        .expect(201)
    ).body;

    const fresh = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page = fresh;
    page.setDefaultTimeout(20_000);
    const LIST = '#operations-projects-projects_list';
    await page.goto(`${t.url}/docs`, { waitUntil: 'networkidle' });
    await page.locator(`${LIST} .opblock-summary`).first().click();
    await expect(page.locator(LIST).innerText()).resolves.toContain(
      'Requires the scopes: projects:read',
    );
    await authorize('#api_key_value', key);
    await page.locator(`${LIST} .try-out__btn`).click();
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => new URL(r.url()).pathname === '/projects' && r.request().method() === 'GET',
      ),
      page.locator(`${LIST} button.execute`).click(),
    ]);
    expect(response.status()).toBe(200);
    expect(response.request().headers()['x-api-key']).toBe(key);
    expect(await response.text()).toContain('Seen through a key');
  }, 90_000);
});
