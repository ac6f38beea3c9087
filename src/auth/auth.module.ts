import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AdminSessionsController } from './admin-sessions.controller.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwksController } from './jwks.controller.js';
import { LoginAttempt } from './login-attempt.entity.js';
import { LoginLockout } from './login-lockout.service.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RolesGuard } from './guards/roles.guard.js';
import { SessionsController } from './sessions.controller.js';

@Module({
  imports: [TokensModule, UsersModule, RateLimitModule, TypeOrmModule.forFeature([LoginAttempt])],
  controllers: [AuthController, SessionsController, AdminSessionsController, JwksController],
  providers: [
    AuthService,
    LoginLockout,
    // Secure by default: authentication first, then roles, on every route of every module.
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
})
export class AuthModule {}
