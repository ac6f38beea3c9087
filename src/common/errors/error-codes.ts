/**
 * Every machine-readable `code` the API returns, in one place. Clients switch on these, so they
 * are stable: add new ones, never rename.
 */
export const ErrorCode = {
  // 400
  BadRequest: 'bad_request',
  ValidationFailed: 'validation_failed',
  InvalidJson: 'invalid_json',
  // 400/401 from /oauth/* (RFC 6749 §5.2)
  InvalidRequest: 'invalid_request',
  InvalidClient: 'invalid_client',
  InvalidScope: 'invalid_scope',
  UnsupportedGrantType: 'unsupported_grant_type',
  UnsupportedTokenType: 'unsupported_token_type',
  InvalidOrExpiredToken: 'invalid_or_expired_token',
  /** `redirect` is not among OIDC_ALLOWED_REDIRECTS. */
  InvalidRedirect: 'invalid_redirect',
  // 401 (RFC 6750 §3: invalid_token when a token was presented)
  MissingToken: 'missing_token',
  InvalidToken: 'invalid_token',
  TokenExpired: 'token_expired',
  TokenRevoked: 'token_revoked',
  InvalidCredentials: 'invalid_credentials',
  // 401 from POST /auth/refresh (RFC 6749 §5.2 names the first one)
  InvalidGrant: 'invalid_grant',
  RefreshTokenReused: 'refresh_token_reused',
  SessionExpired: 'session_expired',
  // 401 from the second step of a sign-in (POST /auth/login/mfa)
  InvalidMfaToken: 'invalid_mfa_token',
  InvalidMfaCode: 'invalid_mfa_code',
  /**
   * A WebAuthn response that does not verify: malformed, wrong origin or RP ID, an unknown,
   * expired or used challenge, an unknown credential, a bad signature, or a signature counter
   * that went backwards (a cloned authenticator). 401 when signing in, 400 when registering.
   */
  InvalidPasskey: 'invalid_passkey',
  /** RFC 9470 §3: the token's authentication is too old or too weak for the route (step-up). */
  InsufficientUserAuthentication: 'insufficient_user_authentication',
  // 403
  InsufficientRole: 'insufficient_role',
  /** RFC 6750 §3.1: the token lacks a scope the route needs. */
  InsufficientScope: 'insufficient_scope',
  /** An API key may only carry scopes its owner has. */
  ScopeNotHeld: 'scope_not_held',
  InvalidCurrentPassword: 'invalid_current_password',
  EmailNotVerified: 'email_not_verified',
  Forbidden: 'forbidden',
  // 404, 405, 408, 409, 413, 414, 415, 429, 431
  NotFound: 'not_found',
  /** No passkey with that id among the caller's. */
  PasskeyNotFound: 'passkey_not_found',
  MethodNotAllowed: 'method_not_allowed',
  RequestTimeout: 'request_timeout',
  EmailTaken: 'email_taken',
  SelfLockout: 'self_lockout',
  LastAdmin: 'last_admin',
  AlreadyVerified: 'already_verified',
  Conflict: 'conflict',
  /** Unlinking the account's only way to sign in (no password, no other identity). */
  LastSignInMethod: 'last_sign_in_method',
  /** TOTP is already on (turn it off first), or not on (set it up first). */
  TotpAlreadyEnabled: 'totp_already_enabled',
  TotpNotEnabled: 'totp_not_enabled',
  /** `POST /auth/mfa/totp/confirm` without a pending `setup`. */
  TotpSetupRequired: 'totp_setup_required',
  PayloadTooLarge: 'payload_too_large',
  UriTooLong: 'uri_too_long',
  UnsupportedMediaType: 'unsupported_media_type',
  TooManyRequests: 'too_many_requests',
  TooManyAttempts: 'too_many_attempts',
  HeadersTooLarge: 'headers_too_large',
  // 5xx
  InternalError: 'internal_error',
  ServiceUnavailable: 'service_unavailable',
  ServerBusy: 'server_busy',
  MailDisabled: 'mail_disabled',
  /** An OpenID provider whose metadata could not be discovered (yet). */
  ProviderUnavailable: 'provider_unavailable',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The `error` a provider sign-in's callback puts on the redirect (no JSON body there). Says what
 * the user can do, never why a validation failed: that is in the audit trail.
 */
export const OidcCallbackError = {
  /** The user refused or cancelled at the provider. */
  AccessDenied: 'access_denied',
  /** The email has an account the identity may not join: sign in with the password, then link. */
  AccountExists: 'account_exists',
  /** A link flow brought an identity that another account already has. */
  IdentityTaken: 'identity_taken',
  /** Anything else: state, nonce, signature, audience, expired code, disabled account… */
  LoginFailed: 'login_failed',
} as const;

export type OidcCallbackError = (typeof OidcCallbackError)[keyof typeof OidcCallbackError];

/** Codes meaning "the presented access token is not acceptable" (RFC 6750 error=invalid_token). */
export const INVALID_TOKEN_CODES: ReadonlySet<string> = new Set([
  ErrorCode.InvalidToken,
  ErrorCode.TokenExpired,
  ErrorCode.TokenRevoked,
]);

/** The error codes of RFC 6749 §5.2, which /oauth/* answers in their standard spelling. */
export const OAUTH_ERROR_CODES: ReadonlySet<string> = new Set([
  ErrorCode.InvalidRequest,
  ErrorCode.InvalidClient,
  ErrorCode.InvalidGrant,
  ErrorCode.InvalidScope,
  ErrorCode.UnsupportedGrantType,
  ErrorCode.UnsupportedTokenType,
  ErrorCode.InsufficientScope,
]);
