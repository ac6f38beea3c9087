import { Controller, Get, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Public } from '../src/auth/decorators/public.decorator.js';
import { bearer } from './factories/session.factory.js';
import { createUser, uniqueEmail } from './factories/user.factory.js';
import { rawRequest } from './support/raw-http.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** A route that fails the way a bug would, to see what an unexpected 500 logs. */
@Controller('test-failure')
class FailingController {
  @Public()
  @Get()
  fail(): never {
    throw new Error('kaboom');
  }
}

@Module({ controllers: [FailingController] })
class FailingModule {}

const arrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
/** A login body whose `email` holds `depth - 1` nested arrays: `depth` levels in all. */
const loginNestedTo = (depth: number) =>
  `{"password":"x","email":${arrays(depth - 1).replace('[]', '["a@b.co"]')}}`;

const PINO_ERROR = 50;

describe('hostile requests', () => {
  const lines: string[] = [];
  let t: TestApp;
  let user: { accessToken: string };

  beforeAll(async () => {
    // The most verbose level, so that anything the app logs about these requests is captured.
    t = await createTestApp(
      { LOG_LEVEL: 'verbose' },
      {
        listen: true,
        modules: [FailingModule],
        logDestination: { write: (line: string) => void lines.push(line) },
      },
    );
    user = await createUser(t.http);
  });
  afterAll(async () => {
    await t?.close();
  });

  /**
   * The lines logged for the request `id`, once its request line is in (written when the
   * response has gone): every line logged while a request is handled carries its id.
   */
  async function linesOf(id: string): Promise<string[]> {
    const mine = () => lines.filter((line) => line.includes(`"requestId":"${id}"`));
    for (let attempt = 0; attempt < 100; attempt++) {
      if (mine().some((line) => line.includes('request completed'))) return mine();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no request line for ${id}`);
  }

  describe('deeply nested JSON bodies', () => {
    const routes = [
      ['POST /auth/login', () => t.http.post('/auth/login')],
      ['PATCH /users/me', () => t.http.patch('/users/me').set(bearer(user.accessToken))],
    ] as const;
    const bodies = [
      ['arrays 5,000 deep', arrays(5_000)],
      ['arrays 45,000 deep (90 KB)', arrays(45_000)],
      ['objects 5,000 deep', objects(5_000)],
      ['objects 15,000 deep (90 KB)', objects(15_000)],
    ] as const;

    describe.each(routes)('on %s', (_route, send) => {
      it.each(bodies)(
        'refuses %s with 400 invalid_json, logging no error',
        async (_shape, body) => {
          const id = randomUUID();
          const { status, body: responseBody } = await send()
            .set('x-request-id', id)
            .set('content-type', 'application/json')
            .send(body);
          const logged = await linesOf(id);

          expect(status).toBe(400);
          expect(responseBody).toMatchObject({ statusCode: 400, code: 'invalid_json' });
          const errors = logged.filter((line) => (JSON.parse(line).level as number) >= PINO_ERROR);
          expect(errors).toEqual([]);
          expect(logged.join('\n')).not.toMatch(/RangeError|stack/i);
        },
      );
    });

    it('lets a body 32 levels deep through to validation; 33 is invalid_json', async () => {
      const at32 = await t.http
        .post('/auth/login')
        .set('content-type', 'application/json')
        .send(loginNestedTo(32))
        .expect(400);
      expect(at32.body.code).toBe('validation_failed');
      const at33 = await t.http
        .post('/auth/login')
        .set('content-type', 'application/json')
        .send(loginNestedTo(33))
        .expect(400);
      expect(at33.body.code).toBe('invalid_json');
    });

    it('does not count brackets inside strings, escaped quotes included', async () => {
      const password = `\\"${'[{'.repeat(50)}`;
      const response = await t.http
        .post('/auth/login')
        .set('content-type', 'application/json')
        .send(`{"email":"${uniqueEmail()}","password":"${password}"}`)
        .expect(401);
      expect(response.body.code).toBe('invalid_credentials');
    });
  });

  describe('5xx log lines', () => {
    it('never hold the query string', async () => {
      const secret = `secret-${randomUUID()}`;
      const id = randomUUID();
      await t.http.get(`/test-failure?token=${secret}&next=/x`).set('x-request-id', id).expect(500);
      const logged = await linesOf(id);

      // The error line with its stack, and the request line: both name the path, not the query.
      expect(logged.filter((line) => line.includes('kaboom'))).toEqual([
        expect.stringContaining('GET /test-failure → 500'),
      ]);
      expect(logged.filter((line) => line.includes('"url":"/test-failure"'))).toHaveLength(1);
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
    });
  });

  describe("Node's and Fastify's own early errors", () => {
    const expectErrorBody = (
      response: { headers: Record<string, string>; body: string },
      status: number,
      code: string,
    ) => {
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      const body = JSON.parse(response.body);
      expect(body).toEqual({
        statusCode: status,
        error: expect.any(String),
        message: expect.any(String),
        code,
        requestId: expect.any(String),
      });
      expect(response.headers['x-request-id']).toBe(body.requestId);
    };

    it('answers headers over the limit with 431 headers_too_large', async () => {
      const response = await rawRequest(
        t.url!,
        `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      expect(response.status).toBe(431);
      expectErrorBody(response, 431, 'headers_too_large');
    });

    it.each([
      ['a request line that is not HTTP', 'NOT A REQUEST\r\n\r\n'],
      [
        'a header name with a space',
        'GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n',
      ],
      [
        'both Content-Length and Transfer-Encoding',
        'POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}',
      ],
    ])('answers %s with 400 bad_request', async (_case, request) => {
      const response = await rawRequest(t.url!, request);
      expect(response.status).toBe(400);
      expectErrorBody(response, 400, 'bad_request');
    });

    it('answers a malformed percent-encoding in the path with 400 bad_request', async () => {
      const response = await rawRequest(
        t.url!,
        'GET /users/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      expect(response.status).toBe(400);
      expectErrorBody(response, 400, 'bad_request');
    });

    it('answers a route parameter over the length limit with 414 uri_too_long', async () => {
      const response = await rawRequest(
        t.url!,
        `GET /users/${'a'.repeat(200)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      );
      expect(response.status).toBe(414);
      expectErrorBody(response, 414, 'uri_too_long');
    });
  });
});
