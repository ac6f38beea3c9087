import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

/**
 * A `PublicKeyCredential` as JSON (what `@simplewebauthn/browser`'s `startRegistration` or
 * `startAuthentication` resolves to, or `credential.toJSON()`): an object here; its fields are
 * checked when it is verified (see `webauthn-json.ts`).
 */
export const WebauthnResponseField = (ceremony: 'registration' | 'authentication') =>
  applyDecorators(
    ApiProperty({
      type: 'object',
      additionalProperties: true,
      description:
        ceremony === 'registration'
          ? 'The `RegistrationResponseJSON` of `navigator.credentials.create()` ' +
            '(`{id, rawId, type, response: {clientDataJSON, attestationObject, transports?}, ' +
            'clientExtensionResults}`)'
          : 'The `AuthenticationResponseJSON` of `navigator.credentials.get()` ' +
            '(`{id, rawId, type, response: {clientDataJSON, authenticatorData, signature, ' +
            'userHandle?}, clientExtensionResults}`)',
    }),
    IsObject(),
  );
