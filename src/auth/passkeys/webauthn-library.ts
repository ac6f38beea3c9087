import { loadOnFirstUse } from '../../common/load-on-first-use.js';

/** `@simplewebauthn/server` (with its ASN.1, CBOR and COSE dependencies), at the first ceremony. */
export const webauthnLibrary = loadOnFirstUse(() => import('@simplewebauthn/server'));
