import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { securityConfig } from '../config/security.config.js';
import { metricsTokenError } from './metrics-token.js';

/** With METRICS_TOKEN set, a scrape must present it (`Authorization: Bearer <token>`). */
@Injectable()
export class MetricsTokenGuard implements CanActivate {
  constructor(
    @Inject(securityConfig.KEY) private readonly config: ConfigType<typeof securityConfig>,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.metricsToken;
    if (token === undefined) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const error = metricsTokenError(request.headers.authorization, token);
    if (error) throw error;
    return true;
  }
}
