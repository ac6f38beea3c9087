import { BadRequestException } from '@nestjs/common';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { ErrorCode } from '../../common/errors/error-codes.js';

/** base64url without padding, at most 64 KiB of it: anything WebAuthn sends fits. */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const MAX_FIELD = 65_536;

const malformed = (field: string) =>
  new BadRequestException({
    code: ErrorCode.ValidationFailed,
    message: `Validation failed: ${field} must be a base64url string`,
    details: [{ field, constraints: { isBase64Url: `${field} must be a base64url string` } }],
  });

function base64url(object: Record<string, unknown>, key: string, path: string, optional = false) {
  const value = object[key];
  // `toJSON()` of an assertion without a user handle may say null rather than leave it out.
  if ((value === undefined || value === null) && optional) return;
  if (typeof value !== 'string' || value.length > MAX_FIELD || !BASE64URL.test(value)) {
    throw malformed(`${path}.${key}`);
  }
}

function credentialShape(value: Record<string, unknown>, field: string) {
  base64url(value, 'id', field);
  base64url(value, 'rawId', field);
  const inner = value.response;
  if (value.type !== 'public-key' || typeof inner !== 'object' || inner === null) {
    throw new BadRequestException({
      code: ErrorCode.ValidationFailed,
      message: `Validation failed: ${field} must be a public-key credential with a response`,
      details: [
        { field, constraints: { isCredential: `${field} must be a public-key credential` } },
      ],
    });
  }
  return inner as Record<string, unknown>;
}

/**
 * The shape of a registration response, checked before anything else looks at it: 400
 * `validation_failed` naming the field, never an exception from deeper down.
 */
export function asRegistrationResponse(
  value: Record<string, unknown>,
  field = 'response',
): RegistrationResponseJSON {
  const inner = credentialShape(value, field);
  base64url(inner, 'clientDataJSON', `${field}.response`);
  base64url(inner, 'attestationObject', `${field}.response`);
  const transports = inner.transports;
  const validTransports =
    Array.isArray(transports) && transports.every((entry) => typeof entry === 'string');
  return {
    ...(value as unknown as RegistrationResponseJSON),
    response: {
      ...(inner as unknown as RegistrationResponseJSON['response']),
      transports: validTransports
        ? (transports as RegistrationResponseJSON['response']['transports'])
        : [],
    },
    clientExtensionResults: (value.clientExtensionResults ?? {}) as object,
  };
}

/** The shape of an authentication response (an assertion): 400 `validation_failed` otherwise. */
export function asAuthenticationResponse(
  value: Record<string, unknown>,
  field = 'response',
): AuthenticationResponseJSON {
  const inner = credentialShape(value, field);
  base64url(inner, 'clientDataJSON', `${field}.response`);
  base64url(inner, 'authenticatorData', `${field}.response`);
  base64url(inner, 'signature', `${field}.response`);
  base64url(inner, 'userHandle', `${field}.response`, true);
  const { userHandle, ...signed } = inner;
  return {
    ...(value as unknown as AuthenticationResponseJSON),
    response: {
      ...(signed as unknown as AuthenticationResponseJSON['response']),
      ...(typeof userHandle === 'string' && { userHandle }),
    },
    clientExtensionResults: (value.clientExtensionResults ?? {}) as object,
  };
}

/** The challenge the client says it signed (verified later against the stored one), if any. */
export function challengeOf(response: {
  response: { clientDataJSON: string };
}): string | undefined {
  try {
    const clientData: unknown = JSON.parse(
      Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8'),
    );
    const challenge = (clientData as { challenge?: unknown } | null)?.challenge;
    return typeof challenge === 'string' && challenge.length > 0 && challenge.length <= 1024
      ? challenge
      : undefined;
  } catch {
    return undefined;
  }
}
