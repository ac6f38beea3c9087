import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mfaConfig } from '../config/mfa.config.js';
import { securityConfig } from '../config/security.config.js';
import { MailModule } from '../mail/mail.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountLockout } from './account-lockout.entity.js';
import { AdminSessionsController } from './admin-sessions.controller.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { SignInCredentials } from './sign-in-credentials.js';
import { EmailChangeController } from './email/email-change.controller.js';
import { EmailChangeService } from './email/email-change.service.js';
import { EmailToken } from './email/email-token.entity.js';
import { EmailTokensCleanup } from './email/email-tokens-cleanup.js';
import { EmailTokensService } from './email/email-tokens.service.js';
import { EmailVerificationController } from './email/email-verification.controller.js';
import { EmailVerificationService } from './email/email-verification.service.js';
import { PasswordResetController } from './email/password-reset.controller.js';
import { PasswordResetService } from './email/password-reset.service.js';
import { RegistrationService } from './email/registration.service.js';
import { JwksController } from './jwks.controller.js';
import { AdminMfaController } from './mfa/admin-mfa.controller.js';
import { DataEncryption, loadDataEncryption } from './mfa/data-encryption.js';
import { MfaLoginService } from './mfa/mfa-login.service.js';
import { MfaTokensService } from './mfa/mfa-tokens.service.js';
import { MfaService } from './mfa/mfa.service.js';
import { RecoveryCodesService } from './mfa/recovery-codes.service.js';
import { TotpController } from './mfa/totp.controller.js';
import { TotpService } from './mfa/totp.service.js';
import { PasskeyAuthenticationService } from './passkeys/passkey-authentication.service.js';
import { PasskeysController } from './passkeys/passkeys.controller.js';
import { PasskeysService } from './passkeys/passkeys.service.js';
import { WebauthnChallengesCleanup } from './passkeys/webauthn-challenges-cleanup.js';
import { WebauthnChallengesService } from './passkeys/webauthn-challenges.service.js';
import { LoginAttempt } from './login-attempt.entity.js';
import { LoginAttemptsCleanup } from './login-attempts-cleanup.js';
import { LoginLockout } from './login-lockout.service.js';
import { PasswordController } from './password.controller.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { AuthenticationGuard } from './guards/authentication.guard.js';
import { AuthLevelGuard } from './guards/auth-level.guard.js';
import { RolesGuard } from './guards/roles.guard.js';
import { ScopesGuard } from './guards/scopes.guard.js';
import { SessionsController } from './sessions.controller.js';
import { JwtStrategy } from './strategies/jwt.strategy.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { StrategiesCheck } from './strategies/strategies-check.js';

@Module({
  imports: [
    // The global guard's strategies, in order (AUTH_STRATEGIES): see docs/adding-a-strategy.md.
    PassportModule.registerAsync({
      inject: [securityConfig.KEY],
      useFactory: (config: ConfigType<typeof securityConfig>) => ({
        defaultStrategy: config.authStrategies,
        session: false,
      }),
    }),
    TokensModule,
    UsersModule,
    RateLimitModule,
    MailModule,
    TypeOrmModule.forFeature([LoginAttempt, AccountLockout, EmailToken]),
  ],
  controllers: [
    AuthController,
    PasswordController,
    SessionsController,
    AdminSessionsController,
    JwksController,
    EmailVerificationController,
    PasswordResetController,
    EmailChangeController,
    TotpController,
    AdminMfaController,
    PasskeysController,
  ],
  providers: [
    AuthService,
    EmailTokensService,
    EmailTokensCleanup,
    RegistrationService,
    EmailVerificationService,
    PasswordResetService,
    EmailChangeService,
    LoginLockout,
    LoginAttemptsCleanup,
    SignInCredentials,
    MfaTokensService,
    RecoveryCodesService,
    TotpService,
    MfaService,
    MfaLoginService,
    WebauthnChallengesService,
    WebauthnChallengesCleanup,
    PasskeysService,
    PasskeyAuthenticationService,
    {
      provide: DataEncryption,
      inject: [mfaConfig.KEY],
      useFactory: loadDataEncryption,
    },
    JwtStrategy,
    LocalStrategy,
    StrategiesCheck,
    // Secure by default: authentication first, then roles, scopes and step-up, on every route.
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
    { provide: APP_GUARD, useClass: ScopesGuard },
    { provide: APP_GUARD, useClass: AuthLevelGuard },
  ],
  // The one way to open a session and issue its tokens, for other sign-in routes (federation).
  exports: [AuthService],
})
export class AuthModule {}
