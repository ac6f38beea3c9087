import type { OpenAPIObject } from '@nestjs/swagger';
import { ErrorCode } from './common/errors/error-codes.js';
import { ErrorResponseDto } from './common/errors/error-response.dto.js';

const ERROR_REF = `#/components/schemas/${ErrorResponseDto.name}`;
const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** What every route may answer with a given status whatever its own description says. */
const CODES_BY_STATUS: Record<string, readonly string[]> = {
  400: [ErrorCode.ValidationFailed, ErrorCode.BadRequest, ErrorCode.InvalidJson],
  401: [],
  403: [],
  404: [ErrorCode.NotFound],
  409: [],
  429: [ErrorCode.TooManyRequests],
};

type Operation = {
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, Response>;
};
type Response = {
  description?: string;
  content?: Record<string, { schema?: Record<string, unknown> }>;
};

function namedCodes(description = ''): string[] {
  return [...description.matchAll(/`([a-z_]+)`/g)]
    .map((match) => match[1])
    .filter((code) => KNOWN_CODES.has(code));
}

function isErrorBody(response: Response): boolean {
  return response.content?.['application/json']?.schema?.$ref === ERROR_REF;
}

/**
 * Gives every 4xx error response of the document the `code` values it can carry (those named in
 * its description, see `ApiErrors`, plus the ones any route may give for that status) as an
 * `enum`, and a 400 to every operation that takes input, since validation can refuse any input.
 */
export function documentErrorCodes(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      if (!operation?.responses) continue;
      const takesInput = Boolean(operation.requestBody) || (operation.parameters?.length ?? 0) > 0;
      if (takesInput && !operation.responses['400']) {
        operation.responses['400'] = {
          description: '`validation_failed`: invalid or unknown input',
          content: { 'application/json': { schema: { $ref: ERROR_REF } } },
        };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!status.startsWith('4') || !isErrorBody(response)) continue;
        const codes = [
          ...new Set([...namedCodes(response.description), ...(CODES_BY_STATUS[status] ?? [])]),
        ];
        if (codes.length === 0) continue;
        response.content!['application/json'].schema = {
          allOf: [
            { $ref: ERROR_REF },
            { type: 'object', properties: { code: { type: 'string', enum: codes } } },
          ],
        };
      }
    }
  }
}
