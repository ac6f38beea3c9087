import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { ScheduleModule } from '@nestjs/schedule';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { appConfig } from './config/app.config.js';
import { clientsConfig } from './config/clients.config.js';
import { databaseConfig } from './config/database.config.js';
import { validateEnv } from './config/env.validation.js';
import { jwtConfig } from './config/jwt.config.js';
import { accountEmailConfig, mailConfig } from './config/mail.config.js';
import { mfaConfig } from './config/mfa.config.js';
import { oidcConfig } from './config/oidc.config.js';
import { securityConfig } from './config/security.config.js';
import { sessionsConfig } from './config/sessions.config.js';
import { DatabaseModule } from './database/database.module.js';
import { FederationModule } from './federation/federation.module.js';
import { HealthModule } from './health/health.module.js';
import {
  ObservabilityModule,
  type ObservabilityOptions,
} from './observability/observability.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppOptions extends ObservabilityOptions {
  /**
   * More modules to import beside the app's own: resource modules, or a module that registers a
   * Passport strategy for AUTH_STRATEGIES (the e2e tests add theirs this way).
   */
  modules?: Array<Type | DynamicModule>;
}

@Module({})
export class AppModule {
  /**
   * Built on demand rather than at import, so the environment is read (and validated) when the
   * app is created: tests set theirs first, and a bad variable stops the start with one line.
   */
  static register({ modules = [], ...observability }: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          cache: true,
          validate: validateEnv,
          load: [
            appConfig,
            databaseConfig,
            jwtConfig,
            sessionsConfig,
            securityConfig,
            clientsConfig,
            mailConfig,
            accountEmailConfig,
            oidcConfig,
            mfaConfig,
          ],
        }),
        EventEmitterModule.forRoot(),
        ScheduleModule.forRoot(),
        ObservabilityModule.register(observability),
        DatabaseModule,
        UsersModule,
        AuthModule,
        ClientsModule,
        FederationModule,
        HealthModule,
        ProjectsModule,
        AuditModule,
        ...modules,
      ],
    };
  }
}
