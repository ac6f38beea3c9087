export {
  createSentinelClient,
  type SentinelClient,
  type SentinelClientOptions,
  type Session,
  type SignInResult,
  type TokenResponse,
} from './sentinel-client.js';
export { SentinelError, type SentinelErrorBody } from './sentinel-error.js';
export { memoryStorage, type RefreshTokenStorage } from './token-storage.js';
export type { MfaChallenge, MfaProof } from './mfa.js';
export type { components, operations, paths } from './openapi.js';
