import { Validator } from '@seriousme/openapi-schema-validator';
import { readFile } from 'node:fs/promises';
import { OPENAPI_FILE, renderOpenApiDocument } from '../src/openapi.cli.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('the OpenAPI document for clients (docs/openapi.json)', () => {
  let rendered: string;
  let t: TestApp;

  beforeAll(async () => {
    rendered = await renderOpenApiDocument();
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is committed up to date (run `npm run openapi` after changing the API)', async () => {
    const committed = await readFile(OPENAPI_FILE, 'utf8').catch(() => '(missing)');
    // Compared as parsed JSON first, for a readable diff, then byte for byte.
    expect(JSON.parse(committed === '(missing)' ? '{}' : committed)).toEqual(JSON.parse(rendered));
    expect(committed).toBe(rendered);
  });

  it('is exactly what the running app serves at /docs-json', async () => {
    const served = await t.http.get('/docs-json').expect(200);
    expect(served.body).toEqual(JSON.parse(rendered));
  });

  it('validates against the OpenAPI 3 schema', async () => {
    const result = await new Validator().validate(JSON.parse(rendered));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('names every operation <tag-ish>_<action> in snake case, uniquely', () => {
    const document = JSON.parse(rendered) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const ids = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    for (const id of ids) expect(id).toMatch(/^[a-z]+(_[a-z]+)+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['auth_login', 'users_me', 'projects_create', 'jwks_public_keys']),
    );
  });
});
