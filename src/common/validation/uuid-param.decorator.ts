import { BadRequestException, Param, ParseUUIDPipe } from '@nestjs/common';
import { ErrorCode } from '../errors/error-codes.js';

/** A route parameter that must be a UUID: anything else is a 400, never a database error. */
export const UuidParam = (name = 'id') =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new BadRequestException({
          code: ErrorCode.ValidationFailed,
          message: `Validation failed: ${name} must be a UUID`,
          details: [{ field: name, constraints: { isUuid: `${name} must be a UUID` } }],
        }),
    }),
  );
