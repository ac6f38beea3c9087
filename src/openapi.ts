import type { INestApplication } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { DECORATORS, DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { isPublicRoute, requiredRoles } from './auth/auth-metadata.js';
import { ErrorResponseDto } from './common/errors/error-response.dto.js';

const BEARER = 'bearer';
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
      operation.security = [{ [BEARER]: [] }];
      operation.responses['401'] = errorResponse(
        'Missing, invalid, expired or revoked access token',
        'Bearer realm="sentinel"[, error="invalid_token", error_description="…"]',
      );
      const roles = requiredRoles(reflector, [handler, controller]);
      if (roles.length > 0) {
        operation.responses['403'] = errorResponse(
          `\`insufficient_role\`: requires the role ${roles.join(' or ')}`,
          'Bearer realm="sentinel", error="insufficient_scope"',
        );
      }
    }
  }
}

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Sentinel')
    .setDescription(
      'JWT authentication and role-based authorization. Sign in with `POST /auth/login`, then ' +
        'use "Authorize" with the access token.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: operationId,
    extraModels: [ErrorResponseDto],
  });
  documentAuthentication(app, document);
  return document;
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
