import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { pino, type DestinationStream } from 'pino';
import { pinoHttp, type Options } from 'pino-http';
import { LOG_LEVELS, type LogLevel } from '../config/env.validation.js';
import { createLoggerParams, pinoLevel, REDACTED_PATHS } from './logger-params.js';
import { registerRequestLogging } from './request-log.js';

/** The root logger as nestjs-pino builds it from our params, writing into an array. */
function capture(level: LogLevel = 'log') {
  const lines: string[] = [];
  const destination: DestinationStream = { write: (line: string) => void lines.push(line) };
  const params = createLoggerParams({ level, pretty: false, destination });
  const [options, stream] = params.pinoHttp as [Options, DestinationStream];
  const logger = pinoHttp(options, stream).logger;
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, any>);
  return { logger, lines, records };
}

/** A Fastify app logging through `registerRequestLogging`, its ids taken from `x-request-id`. */
async function server(level: LogLevel = 'log') {
  const captured = capture(level);
  const app = Fastify({ genReqId: (req) => String(req.headers['x-request-id']) });
  registerRequestLogging(app, captured.logger);
  app.all('/*', async (request, reply) => {
    // Logged after an await, as a handler's lines usually are.
    await new Promise((resolve) => setImmediate(resolve));
    captured.logger.warn({ step: 'inside' }, 'handling');
    const status = Number((request.query as { status?: string }).status ?? 200);
    return reply.status(status).send({ ok: status < 400 });
  });
  // Over a real socket: light-my-request (inject) loads an ESM-only dependency jest cannot.
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const request = (url: string, headers: Record<string, string> = {}) =>
    fetch(origin + url, {
      method: 'POST',
      // With a body: the handler runs once Fastify has read it, and must still see the id.
      headers: { 'x-request-id': randomUUID(), 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ some: 'body' }),
    }).then((response) => response.text());
  return { ...captured, app, request };
}

describe('logger params and request lines', () => {
  it("maps Nest's level names onto pino's", () => {
    expect(LOG_LEVELS.map(pinoLevel)).toEqual(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
    for (const level of LOG_LEVELS) expect(pino.levels.values[pinoLevel(level)]).toBeDefined();
  });

  it('writes one line per request: request id, method, path without the query, status, time', async () => {
    const { app, request, lines, records } = await server();
    const id = `req-${randomUUID()}`;
    await request('/auth/verify?token=link-secret', {
      'x-request-id': id,
      authorization: 'Bearer header.payload.sig',
      cookie: 'refresh_token=cookie-secret',
    });
    await app.close();
    const completed = records().filter((record) => record.msg === 'request completed');
    expect(completed).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        pid: process.pid,
        hostname: expect.any(String),
        requestId: id,
        req: { method: 'POST', url: '/auth/verify' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
        msg: 'request completed',
      },
    ]);
    for (const secret of ['link-secret', 'header.payload.sig', 'cookie-secret'])
      expect(lines.join('')).not.toContain(secret);
  });

  it("puts the request id on the lines logged while handling the request, and no other's", async () => {
    const { app, request, logger, records } = await server();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await Promise.all(ids.map((id) => request('/users/me', { 'x-request-id': id })));
    logger.info('outside any request');
    await app.close();
    const inside = records().filter((record) => record.msg === 'handling');
    expect(inside.map((record) => record.requestId).sort()).toEqual([...ids].sort());
    expect(inside[0]).not.toHaveProperty('req');
    expect(records().find((record) => record.msg === 'outside any request')).not.toHaveProperty(
      'requestId',
    );
  });

  it('logs a server error at error level, and nothing below the configured level', async () => {
    const failing = await server();
    await failing.request('/users/me?status=503');
    await failing.app.close();
    expect(failing.records().find((record) => record.msg === 'request completed')).toMatchObject({
      level: 50,
      res: { statusCode: 503 },
    });

    const quiet = await server('error');
    await quiet.request('/users/me');
    await quiet.app.close();
    expect(quiet.lines).toEqual([]);
  });

  it('leaves out health probes and metric scrapes, not paths that merely start alike', async () => {
    const { app, request, records } = await server();
    for (const url of ['/health', '/health/ready', '/metrics?x=1', '/healthy', '/metrics-export'])
      await request(url);
    await app.close();
    const completed = records().filter((record) => record.msg === 'request completed');
    expect(completed.map((record) => record.req.url)).toEqual(['/healthy', '/metrics-export']);
  });

  it('censors secret fields at any depth of a logged object', () => {
    const { logger, lines } = capture();
    logger.info({
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
