import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { stdSerializers, type DestinationStream, type Level } from 'pino';
import type { Options } from 'pino-http';
import { requestPath } from '../common/request-path.js';
import type { LogLevel } from '../config/env.validation.js';
import { requestIdMixin } from './request-context.js';

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
const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'refreshToken',
  'accessToken',
  // A mailed link's token (verification, reset, email change).
  'token',
];

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
 * Serializers for a request or response logged by hand: method and path, status. Never headers
 * (tokens, cookies) or bodies (passwords).
 */
const serializers = {
  req: (req: IncomingMessage) => ({ method: req.method, url: requestPath(req.url ?? '') }),
  res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
  err: stdSerializers.err,
};

export interface LoggerSettings {
  level: LogLevel;
  /** Human-readable lines (pino-pretty, a development dependency) instead of JSON. */
  pretty: boolean;
  /** Where the JSON lines go instead of standard output (the tests read them). */
  destination?: DestinationStream;
}

/**
 * nestjs-pino's settings: JSON lines, secrets censored, the request id on every line logged while
 * a request is handled. nestjs-pino builds its root logger (the one Nest's `Logger` writes through)
 * from `pinoHttp`; its pino-http middleware is not mounted: the request lines come from Fastify
 * hooks (`registerRequestLogging`), which cost a fraction of it.
 */
export function createLoggerParams({ level, pretty, destination }: LoggerSettings): Params {
  const options: Options = {
    level: pinoLevel(level),
    redact: { paths: REDACTED_PATHS },
    serializers,
    mixin: requestIdMixin,
    transport:
      pretty && !destination
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
        : undefined,
  };
  return { pinoHttp: destination ? [options, destination] : options, forRoutes: [] };
}
