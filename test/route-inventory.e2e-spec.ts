import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { isPublicRoute, requiredRoles, requiredScopes } from '../src/auth/auth-metadata.js';
import { handlerOperationId } from '../src/openapi.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Route {
  method: string;
  path: string;
  operationId: string;
  isPublic: boolean;
  roles: string[];
  scopes: string[];
}

interface Operation {
  operationId: string;
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}

const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .join('/')}`.replace(/:(\w+)/g, '{$1}');

/** Every route handler of the running app, with how it is protected, from Nest's own metadata. */
function listRoutes(t: TestApp): Route[] {
  const reflector = t.app.get(Reflector);
  const scanner = new MetadataScanner();
  const routes: Route[] = [];
  for (const wrapper of new DiscoveryService(t.app.get(ModulesContainer)).getControllers()) {
    const controller = wrapper.metatype as (new () => unknown) | null;
    if (!controller) continue;
    const prefixes = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat() as string[];
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, () => unknown>)[name];
      const paths = Reflect.getMetadata(PATH_METADATA, handler);
      if (paths === undefined) continue;
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
      for (const prefix of prefixes) {
        for (const path of [paths].flat() as string[]) {
          routes.push({
            method: method.toLowerCase(),
            path: joinPath(prefix, path),
            operationId: handlerOperationId(controller.name, name, handler),
            isPublic: isPublicRoute(reflector, [handler, controller]),
            roles: requiredRoles(reflector, [handler, controller]),
            scopes: requiredScopes(reflector, [handler, controller]),
          });
        }
      }
    }
  }
  return routes;
}

/**
 * Routes deliberately left out of the OpenAPI document, which is for API clients: the Prometheus
 * scrape endpoint (`@ApiExcludeController()`). Anything else undocumented is a mistake.
 */
const UNDOCUMENTED = ['get /metrics'];

/**
 * The inventory that protects every future module from the classic mistakes: a route that is
 * open by accident, or whose documentation does not say it needs a token (or a role).
 */
describe('route inventory', () => {
  let t: TestApp;
  let routes: Route[];
  let operations: Map<string, Operation & { path: string; method: string }>;

  beforeAll(async () => {
    t = await createTestApp();
    routes = listRoutes(t);
    const document = (await t.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    operations = new Map(
      Object.entries(document.paths).flatMap(([path, item]) =>
        Object.entries(item).map(
          ([method, op]) => [op.operationId, { ...op, path, method }] as const,
        ),
      ),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('finds the routes of every module', () => {
    const paths = routes.map((route) => `${route.method} ${route.path}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'post /auth/login',
        'get /users/me',
        'get /projects/{id}',
        'get /health',
        'get /health/live',
        'get /health/ready',
      ]),
    );
  });

  it('documents every route, at its path and method, with security matching its protection', () => {
    const problems: string[] = [];
    for (const route of routes) {
      const where = `${route.method.toUpperCase()} ${route.path}`;
      const operation = operations.get(route.operationId);
      if (UNDOCUMENTED.includes(`${route.method} ${route.path}`)) {
        if (operation) problems.push(`${where}: meant to be undocumented, yet documented`);
        continue;
      }
      if (!operation) {
        problems.push(`${where}: not in the OpenAPI document`);
        continue;
      }
      if (operation.path !== route.path || operation.method !== route.method) {
        problems.push(`${where}: documented as ${operation.method} ${operation.path}`);
      }
      // A user's token everywhere; an API key and a service token only where scopes are named.
      const expected =
        route.scopes.length > 0
          ? [{ bearer: [] }, { 'api-key': [] }, { oauth2: route.scopes }]
          : [{ bearer: [] }];
      const bearer = JSON.stringify(operation.security) === JSON.stringify(expected);
      if (route.isPublic && operation.security?.length !== 0)
        problems.push(`${where}: public but documented as protected`);
      if (!route.isPublic && !bearer)
        problems.push(`${where}: protected but without bearer security in the document`);
      if (!route.isPublic && !operation.responses['401'])
        problems.push(`${where}: protected but no documented 401`);
      if (route.roles.length > 0 && !operation.responses['403']) {
        problems.push(`${where}: requires ${route.roles.join('/')} but no documented 403`);
      }
      if (route.scopes.length > 0 && !operation.responses['403']) {
        problems.push(`${where}: requires ${route.scopes.join(' ')} but no documented 403`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('protects every route that is not @Public(): no token → 401 with the Bearer challenge', async () => {
    const problems: string[] = [];
    for (const route of routes.filter((candidate) => !candidate.isPublic)) {
      const url = route.path.replace(/\{\w+\}/g, randomUUID());
      const response = await (t.http as any)[route.method](url).send({});
      if (
        response.status !== 401 ||
        response.headers['www-authenticate'] !== 'Bearer realm="sentinel"'
      ) {
        problems.push(
          `${route.method.toUpperCase()} ${route.path}: ${response.status} without a token`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps the public surface to the routes meant to be public', () => {
    const open = routes
      .filter((route) => route.isPublic)
      .map((route) => `${route.method} ${route.path}`);
    expect(open.sort()).toEqual(
      [
        'get /.well-known/jwks.json',
        'get /.well-known/oauth-authorization-server',
        'post /oauth/token',
        'post /oauth/introspect',
        'post /oauth/revoke',
        'get /health',
        'get /health/live',
        'get /health/ready',
        'get /metrics',
        'post /auth/login',
        'post /auth/refresh',
        'post /auth/register',
        // The mailed links are followed without a session (issue 13).
        'post /auth/verify-email',
        'post /auth/password/forgot',
        'post /auth/password/reset',
        'post /auth/email/confirm',
        // Provider sign-in (issue 15): the list, the redirect dance and the code exchange.
        'get /auth/oidc/providers',
        'get /auth/oidc/{provider}',
        'get /auth/oidc/{provider}/callback',
        'post /auth/oidc/exchange',
        // The second step of a sign-in with a second factor (issue 14): the mfaToken is the proof.
        'post /auth/login/mfa',
        // Passwordless sign-in with a passkey (issue 14): the assertion is the proof.
        'post /auth/passkeys/authentication/options',
        'post /auth/passkeys/authentication/verify',
      ].sort(),
    );
  });
});
