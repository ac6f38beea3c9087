import {
  RefreshTokenTransportField,
  type RefreshTokenTransport,
} from '../../dto/refresh-token-transport.decorator.js';
import { WebauthnResponseField } from './webauthn-response.decorator.js';

/** `POST /auth/passkeys/authentication/verify`: a passwordless sign-in. */
export class PasskeyAuthenticationDto {
  @WebauthnResponseField('authentication')
  response: Record<string, unknown>;

  @RefreshTokenTransportField()
  refreshTokenTransport?: RefreshTokenTransport;
}
