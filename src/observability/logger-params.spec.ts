import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { pino, type DestinationStream } from 'pino';
import { pinoHttp, type Options } from 'pino-http';
import { LOG_LEVELS, type LogLevel } from '../config/env.validation.js';
import { createLoggerParams, pinoLevel, REDACTED_PATHS } from './logger-params.js';

/** pino-http as nestjs-pino builds it from our params, writing into an array. */
function capture(level: LogLevel = 'log') {
  const lines: string[] = [];
  const destination: DestinationStream = { write: (line: string) => void lines.push(line) };
  const params = createLoggerParams({ level, pretty: false, destination });
  const [options, stream] = params.pinoHttp as [Options, DestinationStream];
  const middleware = pinoHttp(options, stream);
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, any>);
  return { middleware, lines, records };
}

/** A request as @fastify/middie hands it to middleware: id set, path in `originalUrl`. */
function exchange(url: string, status: number) {
  const req = new IncomingMessage(new Socket());
  Object.assign(req, {
    method: 'POST',
    url: '/',
    originalUrl: url,
    id: 'req-42',
    headers: { authorization: 'Bearer header.payload.sig', cookie: 'refresh_token=cookie-secret' },
  });
  const res = new ServerResponse(req);
  res.statusCode = status;
  res.setHeader('set-cookie', 'refresh_token=set-cookie-secret');
  /** The response sent (there is no socket to send it on). */
  const finish = () => {
    Object.defineProperty(res, 'writableEnded', { value: true });
    res.emit('finish');
  };
  return { req, res, finish };
}

describe('logger params', () => {
  it("maps Nest's level names onto pino's", () => {
    expect(LOG_LEVELS.map(pinoLevel)).toEqual(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
    for (const level of LOG_LEVELS) expect(pino.levels.values[pinoLevel(level)]).toBeDefined();
  });

  it('writes one line per request: request id, method, path without the query, status, time', () => {
    const { middleware, lines, records } = capture();
    const { req, res, finish } = exchange('/auth/verify?token=link-secret', 200);
    middleware(req, res);
    finish();
    expect(records()).toEqual([
      expect.objectContaining({
        level: 30,
        requestId: 'req-42',
        req: { method: 'POST', url: '/auth/verify' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
        msg: 'request completed',
      }),
    ]);
    for (const secret of [
      'link-secret',
      'header.payload.sig',
      'cookie-secret',
      'set-cookie-secret',
    ])
      expect(lines.join('')).not.toContain(secret);
  });

  it('puts the request id on the lines logged while handling the request', () => {
    const { middleware, records } = capture();
    const { req, res } = exchange('/users/me', 200);
    middleware(req, res);
    req.log.warn('inside');
    expect(records()).toEqual([expect.objectContaining({ requestId: 'req-42', msg: 'inside' })]);
    expect(records()[0]).not.toHaveProperty('req');
  });

  it('logs a server error at error level, and nothing below the configured level', () => {
    const failed = capture();
    const broken = exchange('/users/me', 503);
    failed.middleware(broken.req, broken.res);
    broken.finish();
    expect(failed.records()).toEqual([expect.objectContaining({ level: 50 })]);

    const quiet = capture('warn');
    const ok = exchange('/users/me', 200);
    quiet.middleware(ok.req, ok.res);
    ok.finish();
    expect(quiet.lines).toEqual([]);
  });

  it('leaves out health probes and metric scrapes, not paths that merely start alike', () => {
    const { middleware, records } = capture();
    for (const url of ['/health', '/health/ready', '/metrics', '/healthy', '/metrics-export']) {
      const { req, res, finish } = exchange(url, 200);
      middleware(req, res);
      finish();
    }
    expect(records().map((record) => record.req.url)).toEqual(['/healthy', '/metrics-export']);
  });

  it('censors secret fields at any depth of a logged object', () => {
    const { middleware, lines } = capture();
    middleware.logger.info({
      password: 'p0',
      body: { currentPassword: 'p1', newPassword: 'p2' },
      result: { tokens: { accessToken: 'a3', refreshToken: 'r3' } },
      a: { b: { c: { password: 'p4' } } },
    });
    const text = lines.join('');
    for (const secret of ['p0', 'p1', 'p2', 'a3', 'r3', 'p4']) expect(text).not.toContain(secret);
    expect(text.match(/\[Redacted\]/g)).toHaveLength(6);
  });

  it('censors the authorization, cookie and set-cookie headers of a request logged by hand', () => {
    const lines: string[] = [];
    const logger = pino({ redact: REDACTED_PATHS }, { write: (line: string) => lines.push(line) });
    logger.info({
      req: { headers: { authorization: 'Bearer t', cookie: 'c=1', accept: 'json' } },
      res: { headers: { 'set-cookie': 's=1' } },
    });
    expect(JSON.parse(lines[0])).toMatchObject({
      req: { headers: { authorization: '[Redacted]', cookie: '[Redacted]', accept: 'json' } },
      res: { headers: { 'set-cookie': '[Redacted]' } },
    });
  });

  it('pretty-prints in development, unless the lines go to a given destination', () => {
    const pretty = createLoggerParams({ level: 'log', pretty: true }).pinoHttp as Options;
    expect(pretty.transport).toMatchObject({ target: 'pino-pretty' });
    const plain = createLoggerParams({ level: 'log', pretty: false }).pinoHttp as Options;
    expect(plain.transport).toBeUndefined();
  });
});
