import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module.js';
import { RateLimitModule } from '../auth/rate-limit/rate-limit.module.js';
import { UsersModule } from '../users/users.module.js';
import { FederatedAccounts } from './federated-accounts.service.js';
import { IdentitiesController } from './identities.controller.js';
import { Identities } from './identities.service.js';
import { Identity } from './identity.entity.js';
import { OidcController } from './oidc.controller.js';
import { OidcFlows } from './oidc-flows.service.js';
import { OidcProviders } from './oidc-providers.service.js';
import { OidcSignIn } from './oidc-sign-in.service.js';

/**
 * Sign-in with OpenID providers (OIDC_PROVIDERS), identities and account linking. Sessions are
 * opened through `AuthService.signIn`, like a password sign-in (ADR 0017).
 */
@Module({
  imports: [AuthModule, UsersModule, RateLimitModule, TypeOrmModule.forFeature([Identity])],
  controllers: [OidcController, IdentitiesController],
  providers: [OidcProviders, OidcFlows, FederatedAccounts, OidcSignIn, Identities],
})
export class FederationModule {}
