import {
  HttpException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { ErrorCode } from '../common/errors/error-codes.js';
import { internalErrorResponse, toErrorResponse } from '../common/errors/error-response.js';
import { bearerChallenge } from '../common/errors/www-authenticate.js';
import { securityConfig } from '../config/security.config.js';
import { metricsTokenError } from './metrics-token.js';
import { MetricsService } from './metrics.service.js';

/**
 * `GET /metrics` on METRICS_PORT, apart from the API's port, so that only the scraper's network
 * reaches it. A bare `node:http` server: one route, no framework needed. The same token check and
 * error body as everywhere else.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MetricsServer');
  private server?: Server;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(securityConfig.KEY) private readonly config: ConfigType<typeof securityConfig>,
  ) {}

  /** The port it listens on (METRICS_PORT, or the one chosen for 0). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metricsPort, '0.0.0.0', resolve);
    });
    this.server = server;
    this.logger.log(`Serving /metrics on port ${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const path = (request.url ?? '').split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        throw new NotFoundException({ code: ErrorCode.NotFound, message: 'Only GET /metrics' });
      }
      const token = this.config.metricsToken;
      const refused =
        token === undefined ? undefined : metricsTokenError(request.headers.authorization, token);
      if (refused) throw refused;
      const text = await this.metrics.render();
      response.writeHead(200, {
        'content-type': Registry.PROMETHEUS_CONTENT_TYPE,
        'cache-control': 'no-store',
      });
      response.end(text);
    } catch (error) {
      const body =
        (error instanceof HttpException && toErrorResponse(error)) || internalErrorResponse();
      if (body.statusCode >= 500) this.logger.error(`Metrics failed: ${(error as Error).message}`);
      const challenge = bearerChallenge(body.statusCode, body.code, body.message);
      response.writeHead(body.statusCode, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        ...(challenge ? { 'www-authenticate': challenge } : {}),
      });
      response.end(JSON.stringify(body));
    }
  }
}
