import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdSerializers, type DestinationStream, type Level } from 'pino';
import type { Options } from 'pino-http';
import type { LogLevel } from '../config/env.validation.js';

/** `LOG_LEVEL` keeps Nest's names; pino calls `log` `info` and `verbose` `trace`. */
const PINO_LEVELS: Record<LogLevel, Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

export function pinoLevel(level: LogLevel): Level {
  return PINO_LEVELS[level];
}

/** Fields that hold a secret wherever they appear in a logged object. */
const SECRET_FIELDS = ['password', 'currentPassword', 'newPassword', 'refreshToken', 'accessToken'];

/**
 * pino's redaction has no recursive wildcard (`**`), so each field is listed at the top level and
 * under up to this many levels of objects: deeper than anything the app logs.
 */
const REDACT_DEPTH = 4;

/**
 * Censored in every line. The request and response serializers below already leave headers out;
 * these paths still hold if someone logs a request, a response or a body by hand.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) =>
    Array.from({ length: REDACT_DEPTH + 1 }, (_, depth) => [...Array(depth).fill('*'), field]),
  ).map((segments) => segments.join('.')),
];

/**
 * The request's path, without the query string: a query is where a link's one-time token would
 * be (a password reset, an email verification), and logging it would leak the token. The URL as
 * received: @fastify/middie keeps it in `originalUrl` and hands middleware the part after the
 * path the middleware is mounted on (all of it here, so `req.url` is `/`).
 */
export function requestPath(req: IncomingMessage & { originalUrl?: string }): string {
  const url = req.originalUrl ?? req.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * What a request line carries: method and path, status, time, request id. No headers (tokens,
 * cookies) and no bodies (passwords): nothing to redact and nothing to serialise on the hot path.
 */
const serializers = {
  req: (req: IncomingMessage) => ({ method: req.method, url: requestPath(req) }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
  err: stdSerializers.err,
};

/** Probes and scrapes every few seconds: a line each would drown the requests worth reading. */
const UNLOGGED_PATHS = /^\/(?:health|metrics)(?:\/|$)/;

export interface LoggerSettings {
  level: LogLevel;
  /** Human-readable lines (pino-pretty, a development dependency) instead of JSON. */
  pretty: boolean;
  /** Where the JSON lines go instead of standard output (the tests read them). */
  destination?: DestinationStream;
}

/** nestjs-pino's settings: JSON lines, one per request, the request id on every line. */
export function createLoggerParams({ level, pretty, destination }: LoggerSettings): Params {
  const options: Options = {
    level: pinoLevel(level),
    redact: { paths: REDACTED_PATHS },
    serializers,
    // Ours take the raw request and response; pino-http's wrappers would first build its full
    // objects (headers included) on every request, only for ours to throw them away.
    wrapSerializers: false,
    // The id Fastify gave the request (an accepted X-Request-Id, else a UUID; see app.factory),
    // which @fastify/middie copies onto the raw request before this middleware runs, so the log,
    // the X-Request-Id header and the error body agree.
    genReqId: (req) => req.id,
    customAttributeKeys: { reqId: 'requestId' },
    // Lines logged while handling a request carry only `requestId`; the one closing line adds
    // method, path, status and time.
    quietReqLogger: true,
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => UNLOGGED_PATHS.test(requestPath(req)) },
    transport:
      pretty && !destination
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
        : undefined,
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    // Every path. nestjs-pino's default (`{/*splat}`) reaches the Fastify adapter of Nest 12.5 as
    // `/{/*splat}`, which matches `/` alone: no request would be logged.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
  };
}
