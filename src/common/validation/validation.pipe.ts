import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ErrorCode } from '../errors/error-codes.js';
import type { ErrorDetailDto } from '../errors/error-detail.dto.js';
import { firstConstraint } from './first-constraint.js';

function flatten(errors: ValidationError[], prefix = ''): ErrorDetailDto[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, constraints: error.constraints }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/**
 * Rejects unknown properties (so a client cannot slip `roles` into a registration) and answers
 * every failure with 400 `validation_failed` and the failing fields.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const first = firstConstraint(details[0]?.constraints);
      return new BadRequestException({
        code: ErrorCode.ValidationFailed,
        message: first ? `Validation failed: ${first}` : 'Validation failed',
        details,
      });
    },
  });
}
