import { ConsoleLogger, type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fastifyCookie from '@fastify/cookie';
import type { FastifyCorsOptions, FastifyCorsOptionsDelegateCallback } from '@fastify/cors';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AppModule, type AppOptions } from './app.module.js';
import { declarePassportRequestFields } from './auth/strategies/passport-request-fields.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { earlyErrorHandlers } from './common/errors/early-errors.js';
import { registerFormBodyParser } from './common/form-body-parser.js';
import { registerJsonBodyParser } from './common/json-body-parser.js';
import { securityHeaders } from './common/security-headers.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { LOG_LEVELS, validateEnv, type LogLevel } from './config/env.validation.js';
import { fastifyTrustProxy } from './config/trust-proxy.js';
import { secureDataDirectory } from './database/data-directory.js';
import { registerRequestLogging } from './observability/request-log.js';
import { closeConnectionsWhenDraining } from './health/graceful-shutdown.js';
import { setupOpenApi } from './openapi.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Honour a caller's `X-Request-Id` when it is a sane token; otherwise make one. */
function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Nest's levels up to and including `level`. */
function logLevels(level: LogLevel): NestLogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1) as NestLogLevel[];
}

/**
 * Builds the whole application (used by `main.ts` and by the e2e tests, so both run the same
 * thing): Fastify, validation, the error filter, request ids, logging and the OpenAPI document.
 */
export async function createApp(options: AppOptions = {}): Promise<NestFastifyApplication> {
  // Fail on a bad environment before Nest starts, with one line and no stack trace.
  const env = validateEnv(process.env);
  // Before the embedded database opens it or a development key is written into it.
  await secureDataDirectory(env.DATA_DIR);
  // Security headers on every response. Swagger UI's page needs its inline style and the
  // validator badge off; everything else keeps Helmet's defaults.
  const security = securityHeaders({
    contentSecurityPolicy: {
      directives: { 'img-src': ["'self'", 'data:'], 'style-src': ["'self'", "'unsafe-inline'"] },
    },
  });
  const adapter = new FastifyAdapter({
    // Bodies here are small JSON documents; a larger one is refused with 413 before parsing.
    bodyLimit: env.BODY_LIMIT,
    genReqId: requestId,
    // The client address (rate limits, sessions, audit) from X-Forwarded-For only behind a proxy:
    // the right-most entry that is not one of the proxies TRUST_PROXY names or counts.
    trustProxy: fastifyTrustProxy(env.TRUST_PROXY),
    // What Node's HTTP parser and Fastify's router refuse gets the API's error body too.
    ...earlyErrorHandlers(security),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(options),
    adapter,
    {
      // Until pino takes over (and if the start fails before it can): Nest's console logger, in
      // JSON outside development. Set here rather than left to the last app's logger, which is
      // what Nest would use otherwise when tests create several apps in one process.
      logger: new ConsoleLogger({
        logLevels: logLevels(env.LOG_LEVEL),
        json: env.NODE_ENV !== 'development',
      }),
      bufferLogs: true,
      abortOnError: false,
      // JSON only (forms on /oauth/* alone, below), so a cross-site HTML form cannot post to
      // /auth/login.
      bodyParser: false,
    },
  );
  app.useLogger(app.get(Logger));
  // From here on straight through pino: without this, Nest would hold its lines until init ends.
  app.flushLogs();
  await app.register(fastifyCookie);
  // Closed unless CORS_ORIGINS names the browser origins allowed to call the API.
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  // Exact origins only (no patterns), and the credentials header (the refresh cookie) for those
  // alone: a per-request decision, since @fastify/cors would send it to any origin otherwise.
  // Every method the API uses, and the headers a client reads on an error.
  if (corsOrigins.length > 0) {
    const allowed = new Set(corsOrigins);
    const listed = {
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id'],
      maxAge: 600,
    };
    const delegate: FastifyCorsOptionsDelegateCallback = (request, callback) => {
      const origin = request.headers.origin;
      callback(null, origin && allowed.has(origin) ? { ...listed, origin } : { origin: false });
    };
    // The adapter hands a `(request, callback)` function to @fastify/cors as its options
    // delegate; its type only names the options object.
    app.enableCors(delegate as unknown as FastifyCorsOptions);
  }
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify's own parsers are JSON and text/plain; text is no more a JSON body than a form is.
  fastify.removeContentTypeParser('text/plain');
  registerJsonBodyParser(fastify);
  // Form bodies for the OAuth endpoints only (RFC 6749); a 415 on every other route.
  registerFormBodyParser(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(security).header('x-request-id', request.id);
    done();
  });
  registerRequestLogging(fastify, PinoLogger.root);
  closeConnectionsWhenDraining(app);
  declarePassportRequestFields(fastify);

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  setupOpenApi(app, { production: env.NODE_ENV === 'production' });
  return app;
}
