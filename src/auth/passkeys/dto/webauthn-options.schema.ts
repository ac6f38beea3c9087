/**
 * The options for `navigator.credentials.create()` / `.get()` as JSON (WebAuthn Level 3
 * `PublicKeyCredentialCreationOptionsJSON` / `PublicKeyCredentialRequestOptionsJSON`), for
 * `@simplewebauthn/browser`'s `startRegistration({ optionsJSON })` / `startAuthentication`.
 */
export const WEBAUTHN_OPTIONS_SCHEMA = {
  type: 'object' as const,
  required: ['challenge'],
  properties: {
    challenge: { type: 'string', description: 'base64url; works once, within 5 minutes' },
  },
  additionalProperties: true,
};
