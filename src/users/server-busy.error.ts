import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorCode } from '../common/errors/error-codes.js';

/**
 * 503 `server_busy`: the argon2 queue is full (PASSWORD_HASH_QUEUE_MAX). Refusing at once, with
 * Retry-After, keeps a burst from growing the queue (and every caller's wait) without end.
 */
export class ServerBusyError extends HttpException {
  constructor() {
    super(
      {
        code: ErrorCode.ServerBusy,
        message: 'Too many password checks in progress; retry shortly',
        details: { retryAfterSeconds: 1 },
      },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
