import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { FastifyRequest } from 'fastify';
import { addressKey } from '../../common/client-info.js';
import { ErrorCode } from '../../common/errors/error-codes.js';
import { securityConfig } from '../../config/security.config.js';
import { RATE_LIMIT_STORE, type RateLimitStore } from './rate-limit-store.js';

const WINDOW_MS = 60_000;

/**
 * AUTH_RATE_LIMIT_PER_MINUTE requests per client address across the sign-in routes (one fixed
 * one-minute window), then 429 `too_many_requests` with Retry-After. The address is Fastify's
 * `request.ip`, which follows X-Forwarded-For only when TRUST_PROXY says so, counted by its
 * `addressKey` (an IPv6 client by its /64).
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(RATE_LIMIT_STORE) private readonly store: RateLimitStore,
    @Inject(securityConfig.KEY) private readonly config: ConfigType<typeof securityConfig>,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const { count, resetMs } = await this.store.hit(`auth:${addressKey(request.ip)}`, WINDOW_MS);
    if (count <= this.config.authRateLimitPerMinute) return true;
    throw new HttpException(
      {
        code: ErrorCode.TooManyRequests,
        message: 'Too many requests from this address; slow down',
        details: { retryAfterSeconds: Math.max(1, Math.ceil(resetMs / 1000)) },
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
