import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RateLimitModule } from '../auth/rate-limit/rate-limit.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminApiKeysController } from './admin-api-keys.controller.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { ClientsController } from './clients.controller.js';
import { ClientAuthentication } from './oauth/client-authentication.js';
import { OAuthMetadataController } from './oauth/oauth-metadata.controller.js';
import { OAuthTokenService } from './oauth/oauth-token.service.js';
import { OAuthController } from './oauth/oauth.controller.js';
import { TokenInspectionService } from './oauth/token-inspection.service.js';
import { OwnerEventsListener } from './owner-events.listener.js';
import { ServiceClient } from './service-client.entity.js';
import { ServiceClientsService } from './service-clients.service.js';

/**
 * Machine clients (issue 16, ADR 0016): API keys (the `'api-key'` Passport strategy), service
 * accounts and the OAuth endpoints (token, introspection, revocation, RFC 8414 metadata).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ApiKey, ServiceClient]),
    TokensModule,
    UsersModule,
    RateLimitModule,
  ],
  controllers: [
    ApiKeysController,
    AdminApiKeysController,
    ClientsController,
    OAuthController,
    OAuthMetadataController,
  ],
  providers: [
    ApiKeysService,
    ApiKeyStrategy,
    OwnerEventsListener,
    ServiceClientsService,
    ClientAuthentication,
    OAuthTokenService,
    TokenInspectionService,
  ],
})
export class ClientsModule {}
