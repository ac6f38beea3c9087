import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { ErrorCode } from './error-codes.js';
import { ErrorResponseDto } from './error-response.dto.js';

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/** The codes a status can carry, with an optional sentence on when. */
export type ErrorDoc = readonly ErrorCode[] | { codes: readonly ErrorCode[]; when?: string };

/**
 * Documents the error responses of a route with the error body and the `code` values each status
 * can carry: `@ApiErrors({ 401: ['invalid_credentials'], 409: ['email_taken'] })`. The document
 * builder (`src/openapi.ts`) turns the codes named in a response's description into an `enum` on
 * `code`, so generated clients can switch on them.
 */
export const ApiErrors = (errors: Partial<Record<ErrorStatus, ErrorDoc>>) =>
  applyDecorators(
    ...Object.entries(errors).map(([status, doc]) => {
      const { codes, when } = Array.isArray(doc)
        ? { codes: doc as readonly ErrorCode[], when: undefined }
        : (doc as { codes: readonly ErrorCode[]; when?: string });
      const named = codes.map((code) => `\`${code}\``).join(', ');
      return ApiResponse({
        status: Number(status),
        type: ErrorResponseDto,
        description: when ? `${named}: ${when}` : named,
      });
    }),
  );
