import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { jwtConfig } from '../config/jwt.config.js';
import { AccessTokenLifetime } from './access-token-lifetime.entity.js';
import { AccessTokenLifetimes } from './access-token-lifetimes.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { AccessTokenService } from './access-token.service.js';
import { RefreshToken } from './refresh-token.entity.js';
import { RefreshTokenLookup } from './refresh-token-lookup.js';
import { RevocationFeed } from './revocation-feed.js';
import { RevokedSessions } from './revoked-sessions.js';
import { Session } from './session.entity.js';
import { SessionRevocations } from './session-revocations.js';
import { SessionsCleanup } from './sessions-cleanup.js';
import { SessionsService } from './sessions.service.js';
import { SigningKeys } from './signing-keys.js';
import { TokenRevocations } from './token-revocations.js';
import { loadSigningKeys } from './signing-keys.loader.js';
import { UserEventsListener } from './user-events.listener.js';

@Module({
  imports: [
    JwtModule.register({}),
    TypeOrmModule.forFeature([Session, RefreshToken, AccessTokenLifetime]),
  ],
  providers: [
    {
      provide: SigningKeys,
      inject: [jwtConfig.KEY],
      useFactory: (config: ConfigType<typeof jwtConfig>) => loadSigningKeys(config),
    },
    {
      provide: AccessTokenVerifier,
      inject: [SigningKeys, RevokedSessions, jwtConfig.KEY],
      useFactory: (
        keys: SigningKeys,
        revoked: RevokedSessions,
        config: ConfigType<typeof jwtConfig>,
      ) =>
        new AccessTokenVerifier(keys, {
          ...config,
          isRevoked: (sessionId) => revoked.has(sessionId),
        }),
    },
    AccessTokenService,
    SessionsService,
    SessionRevocations,
    AccessTokenLifetimes,
    RevokedSessions,
    RevocationFeed,
    SessionsCleanup,
    UserEventsListener,
    TokenRevocations,
    RefreshTokenLookup,
  ],
  exports: [
    AccessTokenService,
    AccessTokenVerifier,
    SessionsService,
    SessionRevocations,
    SigningKeys,
    TokenRevocations,
    RefreshTokenLookup,
    // Readiness reports whether revocations are being followed.
    RevocationFeed,
  ],
})
export class TokensModule {}
