import { ErrorCode, INVALID_TOKEN_CODES } from './error-codes.js';

export const REALM = 'sentinel';

/** The step-up a route requires (RFC 9470 §3), carried in the error body's `details`. */
export interface StepUpChallenge {
  acrValues?: string;
  maxAge?: number;
}

/** Header values may not carry quotes or control characters (RFC 7235 quoted-string). */
const quote = (value: string) => `"${value.replace(/["\\\x00-\x1f\x7f]/g, ' ')}"`;

/**
 * The `WWW-Authenticate` challenge for an error response, or undefined when none is due.
 * RFC 6750 §3: every 401 carries the Bearer challenge; `error="invalid_token"` only when a token
 * was presented and refused; `error="insufficient_scope"` on a 403 for a missing role or scope.
 */
export function bearerChallenge(
  status: number,
  code: string,
  message: string,
  scopes: readonly string[] = [],
  stepUp: StepUpChallenge = {},
): string | undefined {
  if (status === 401 && code === ErrorCode.InvalidClient) {
    // RFC 6749 §5.2: the scheme the client authenticates with.
    return `Basic realm=${quote(REALM)}`;
  }
  if (status === 401 && code === ErrorCode.InsufficientUserAuthentication) {
    // RFC 9470 §3: what a new sign-in must bring: `acr_values` and/or `max_age` (seconds).
    const acr = stepUp.acrValues ? `, acr_values=${quote(stepUp.acrValues)}` : '';
    const maxAge = stepUp.maxAge !== undefined ? `, max_age=${Math.floor(stepUp.maxAge)}` : '';
    return `Bearer realm=${quote(REALM)}, error="${code}", error_description=${quote(message)}${acr}${maxAge}`;
  }
  if (status === 401) {
    const base = `Bearer realm=${quote(REALM)}`;
    if (!INVALID_TOKEN_CODES.has(code)) return base;
    return `${base}, error="invalid_token", error_description=${quote(message)}`;
  }
  if (status === 403 && code === ErrorCode.InsufficientRole) {
    return `Bearer realm=${quote(REALM)}, error="insufficient_scope", error_description=${quote(message)}`;
  }
  if (status === 403 && code === ErrorCode.InsufficientScope) {
    // RFC 6750 §3: the scope the request needs, so a client knows what to ask for.
    const scope = scopes.length > 0 ? `, scope=${quote(scopes.join(' '))}` : '';
    return `Bearer realm=${quote(REALM)}, error="insufficient_scope"${scope}, error_description=${quote(message)}`;
  }
  return undefined;
}
