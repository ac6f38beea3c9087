import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { RateLimitGuard } from '../rate-limit/rate-limit.guard.js';

/**
 * Limits a route per client address (AUTH_RATE_LIMIT_PER_MINUTE): 429 with Retry-After. Only on
 * the routes an attacker hammers (sign-in, sign-up, refresh), so authenticated requests pay
 * nothing for it.
 */
export const RateLimited = () =>
  applyDecorators(
    UseGuards(RateLimitGuard),
    ApiTooManyRequestsResponse({
      type: ErrorResponseDto,
      description: '`too_many_requests` (per address) or `too_many_attempts` (account lockout)',
      headers: { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } },
    }),
  );
