import { UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '../common/errors/error-codes.js';
import { sha256 } from '../common/sha256.js';

/**
 * Why a scrape is refused under METRICS_TOKEN, or undefined when `authorization` carries it as a
 * bearer token. Compared as SHA-256 digests with `timingSafeEqual`: equal lengths, and no
 * early exit that would time how much of a guess was right.
 */
export function metricsTokenError(
  authorization: string | undefined,
  token: string,
): UnauthorizedException | undefined {
  const presented = /^Bearer +(\S+)$/i.exec(authorization ?? '')?.[1];
  if (presented === undefined) {
    return new UnauthorizedException({
      code: ErrorCode.MissingToken,
      message: 'Metrics require the METRICS_TOKEN as a bearer token',
    });
  }
  if (timingSafeEqual(sha256(presented), sha256(token))) return undefined;
  return new UnauthorizedException({
    code: ErrorCode.InvalidToken,
    message: 'The metrics token is not valid',
  });
}
