import type { INestApplication } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { DECORATORS, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import {
  isPublicRoute,
  requiredAuthLevel,
  requiredRoles,
  requiredScopes,
} from './auth/auth-metadata.js';
import type { AuthLevel } from './auth/decorators/require-auth-level.decorator.js';
import { ErrorResponseDto } from './common/errors/error-response.dto.js';
import { documentErrorCodes } from './openapi-error-codes.js';
import { SCOPES } from './users/scopes.js';

const BEARER = 'bearer';
/** `X-API-Key: snt_…` (an API key also works as a bearer token). */
export const API_KEY_SCHEME = 'api-key';
/** A service account's token from `POST /oauth/token` (client credentials). */
export const OAUTH2_SCHEME = 'oauth2';
/**
 * The operationId of a route handler: an explicit `@ApiOperation({ operationId })` (kept by a
 * route that moved to another controller) wins, as in Swagger; else `operationId`.
 */
export function handlerOperationId(
  controllerKey: string,
  methodKey: string,
  handler: object,
): string {
  const explicit = (
    Reflect.getMetadata(DECORATORS.API_OPERATION, handler) as { operationId?: string } | undefined
  )?.operationId;
  return explicit ?? operationId(controllerKey, methodKey);
}

const SCOPE_DESCRIPTIONS: Record<(typeof SCOPES)[number], string> = {
  'projects:read': 'Read projects',
  'projects:write': 'Create, change and delete projects',
  'users:admin': 'Administer users (administrators)',
  'tokens:introspect': 'Introspect tokens (POST /oauth/introspect)',
};

/** Every tag an operation may use, with what it groups (Spectral: `operation-tag-defined`). */
const TAGS: Record<string, string> = {
  auth: 'Sign-in, tokens, sessions and account recovery',
  users: 'Your profile and, for administrators, every account',
  mfa: 'Second factors: TOTP and recovery codes; the step-up they satisfy',
  passkeys: 'WebAuthn passkeys: registering them, and signing in with one (passwordless)',
  'api-keys': 'Personal API keys for scripts and CI',
  clients: 'Service accounts (client credentials)',
  oauth:
    'OAuth 2 endpoints: token, introspection, revocation, metadata (RFCs 6749, 7662, 7009, 8414)',
  projects: 'The example resource module',
  audit: 'The security audit trail (administrators)',
  health: 'Liveness and readiness probes',
};

const ERROR_SCHEMA = { $ref: `#/components/schemas/${ErrorResponseDto.name}` };

/** `AuthController.login` → `auth_login`: stable, readable names for generated clients. */
export function operationId(controllerKey: string, methodKey: string): string {
  const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return `${snake(controllerKey.replace(/Controller$/, ''))}_${snake(methodKey)}`;
}

function errorResponse(description: string, challenge: string) {
  return {
    description,
    headers: { 'WWW-Authenticate': { description: challenge, schema: { type: 'string' } } },
    content: { 'application/json': { schema: ERROR_SCHEMA } },
  };
}

/**
 * Derives each operation's security and its 401/403 responses from the same metadata the global
 * guards enforce (`@Public()`, `@Roles()`), so the document cannot drift from the behaviour.
 */
function documentAuthentication(app: INestApplication, document: OpenAPIObject): void {
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const operations = new Map(
    Object.values(document.paths).flatMap((item) =>
      Object.values(item)
        .filter((op) => op?.operationId)
        .map((op) => [op.operationId, op]),
    ),
  );
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new () => unknown) | null;
    if (!controller) continue;
    for (const method of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, () => unknown>)[method];
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const operation = operations.get(handlerOperationId(controller.name, method, handler));
      if (!operation) continue;
      if (isPublicRoute(reflector, [handler, controller])) {
        operation.security = [];
        continue;
      }
      const scopes = requiredScopes(reflector, [handler, controller]);
      // A user's token everywhere; an API key or a service token only where scopes are named.
      // The scopes are listed on the OAuth 2 scheme, the only kind OpenAPI 3.0 lets name them.
      operation.security =
        scopes.length > 0
          ? [{ [BEARER]: [] }, { [API_KEY_SCHEME]: [] }, { [OAUTH2_SCHEME]: [...scopes] }]
          : [{ [BEARER]: [] }];
      if (scopes.length > 0) {
        operation.description = [
          operation.description,
          `Requires the scopes: ${scopes.join(', ')}.`,
        ]
          .filter(Boolean)
          .join('\n\n');
      }
      const level = requiredAuthLevel(reflector, [handler, controller]);
      operation.responses['401'] = level
        ? errorResponse(
            'Missing, invalid, expired or revoked access token: `missing_token`, `invalid_token`, ' +
              '`token_expired` (refresh and retry), `token_revoked`; or `insufficient_user_authentication` ' +
              `(RFC 9470): requires ${describeAuthLevel(level)}: sign in again`,
            'Bearer realm="sentinel"[, error="invalid_token" | error="insufficient_user_authentication", error_description="…"' +
              `${level.mfa ? ', acr_values="mfa"' : ''}${level.maxAgeSeconds !== undefined ? `, max_age=${level.maxAgeSeconds}` : ''}]`,
          )
        : errorResponse(
            'Missing, invalid, expired or revoked access token: `missing_token`, `invalid_token`, ' +
              '`token_expired` (refresh and retry), `token_revoked`',
            'Bearer realm="sentinel"[, error="invalid_token", error_description="…"]',
          );
      const roles = requiredRoles(reflector, [handler, controller]);
      const refusals = [
        ...(roles.length > 0
          ? [`\`insufficient_role\`: requires the role ${roles.join(' or ')}`]
          : []),
        scopes.length > 0
          ? `\`insufficient_scope\`: requires the scopes ${scopes.join(', ')}`
          : '`insufficient_scope`: for signed-in users, not API keys or service accounts',
      ];
      operation.responses['403'] = errorResponse(
        refusals.join('; '),
        `Bearer realm="sentinel", error="insufficient_scope"${scopes.length > 0 ? `, scope="${scopes.join(' ')}"` : ''}`,
      );
    }
  }
}

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Sentinel')
    .setDescription(
      'JWT authentication and role-based authorization. Sign in with `POST /auth/login`, then ' +
        'use "Authorize" with the access token; or with an API key, or a service account ' +
        '(client credentials), on routes that name the scopes they need.',
    )
    .setVersion('0.1.0')
    // Relative to where the document is served (`/docs-json` → the server's root), so Swagger UI
    // calls the server it came from; generated clients take their base URL as an option.
    .addServer('.', 'The server that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER)
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'An API key (`POST /users/me/api-keys`), for routes that name scopes',
      },
      API_KEY_SCHEME,
    )
    .addOAuth2(
      {
        type: 'oauth2',
        description: 'A service account (`POST /clients`), for routes that name scopes',
        flows: {
          clientCredentials: {
            tokenUrl: '/oauth/token',
            scopes: Object.fromEntries(SCOPES.map((scope) => [scope, SCOPE_DESCRIPTIONS[scope]])),
          },
        },
      },
      OAUTH2_SCHEME,
    );
  for (const [name, description] of Object.entries(TAGS)) builder.addTag(name, description);
  const config = builder.build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: operationId,
    extraModels: [ErrorResponseDto],
    // A controller without @ApiTags must name one from TAGS, not get its class name.
    autoTagControllers: false,
  });
  documentAuthentication(app, document);
  documentErrorCodes(document);
  assertTagsDefined(document);
  return document;
}

/** A controller with a tag missing from TAGS fails the build of the document, not only the lint. */
function assertTagsDefined(document: OpenAPIObject): void {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item) as { tags?: string[] }[]) {
      const unknown = (operation?.tags ?? []).filter((tag) => !(tag in TAGS));
      if (unknown.length > 0) throw new Error(`${path}: add the tag ${unknown.join(', ')} to TAGS`);
    }
  }
}

/**
 * Serves Swagger UI at /docs. Outside production it keeps the token across reloads, which is
 * convenient; in production it does not, since Swagger UI keeps it in `localStorage`, where any
 * script on the origin can read it long after the tab is closed.
 */
export function setupOpenApi(app: INestApplication, { production }: { production: boolean }): void {
  SwaggerModule.setup('docs', app, createOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: !production },
  });
}

function describeAuthLevel(level: AuthLevel): string {
  return [
    level.mfa && 'a sign-in with a second factor',
    level.maxAgeSeconds !== undefined && `a sign-in within ${level.maxAgeSeconds} seconds`,
  ]
    .filter(Boolean)
    .join(' and ');
}
