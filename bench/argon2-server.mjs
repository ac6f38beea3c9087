// The yardstick for POST /auth/login: a bare node:http server that verifies a POSTed password
// against one fixed argon2id hash with Sentinel's parameters (m=19456 KiB, t=2, p=1) on
// @node-rs/argon2 (the libuv thread pool), and does nothing else.
//
// Environment: PORT, BENCH_PASSWORD (the password the fixed hash is made of).
import { createServer } from 'node:http';
import { Algorithm, hash, verify } from '@node-rs/argon2';

const ARGON2_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};
const fixedHash = await hash(
  process.env.BENCH_PASSWORD ?? 'correct horse battery staple',
  ARGON2_OPTIONS,
);

function send(response, status, body) {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

async function answer(request, response) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  let password;
  try {
    password = JSON.parse(Buffer.concat(chunks).toString('utf8')).password;
  } catch {
    return send(response, 400, '{"statusCode":400}');
  }
  const matches = typeof password === 'string' && (await verify(fixedHash, password));
  return matches ? send(response, 200, '{"ok":true}') : send(response, 401, '{"statusCode":401}');
}

const server = createServer((request, response) => {
  answer(request, response).catch(() => send(response, 500, '{"statusCode":500}'));
});

server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`argon2 listening on ${server.address().port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
