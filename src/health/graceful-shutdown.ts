import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Server as NetServer } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { ShutdownState } from './shutdown-state.js';

/** Past this, the stop has hung: exit 1 so the orchestrator knows. */
const SHUTDOWN_LIMIT_MS = 10_000;

/**
 * From SIGTERM to exit 0 without failing a request a load balancer sent:
 * 1. readiness answers 503 at once and every response from now on says `Connection: close`;
 * 2. the listening socket closes, so a new connection is refused (a balancer retries it
 *    elsewhere, even a POST: nothing was sent);
 * 3. connections close as their last response goes out; idle keep-alive ones are left to the
 *    balancer for `idleGraceMs`, since closing one here could race a request it is sending on it
 *    (which it may not retry), then closed;
 * 4. once no connection is left, `app.close()` ends the pools and the LISTEN connection.
 */
export function closeGracefully(app: NestFastifyApplication, idleGraceMs: number): void {
  const logger = new Logger('Sentinel');
  const server = app.getHttpServer() as HttpServer;
  app.get(ShutdownState).begin();
  setTimeout(() => {
    logger.error(`Shutdown took over ${SHUTDOWN_LIMIT_MS / 1000} s; exiting`);
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS).unref();

  // net's close, not http's: http.Server#close would also close idle connections at once.
  const drained = new Promise<void>((resolve) =>
    NetServer.prototype.close.call(server, () => resolve()),
  );
  const grace = setTimeout(() => server.closeIdleConnections(), idleGraceMs);
  drained
    .then(() => {
      clearTimeout(grace);
      return app.close();
    })
    .then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`Shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
}

/** Registers the `Connection: close` half of the drain on every response once it has begun. */
export function closeConnectionsWhenDraining(app: NestFastifyApplication): void {
  const state = app.get(ShutdownState);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', (request, reply, payload, done) => {
      if (state.draining && request.raw.httpVersionMajor === 1) reply.header('connection', 'close');
      done(null, payload);
    });
}
