import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { clientInfo } from '../../common/client-info.js';
import { AuthService } from '../auth.service.js';
import type { SignInUser } from '../sign-in-user.js';
import { StrategyRegistrations } from './strategy-registrations.js';

/**
 * Email and password (`'local'`), for `POST /auth/login`: lockout counted first, argon2id against
 * a dummy hash when the email is unknown, disabled accounts refused; all three the same failure.
 */
@Injectable()
export class LocalStrategy
  extends PassportStrategy(Strategy, 'local')
  implements OnApplicationShutdown
{
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
    StrategyRegistrations.hold('local', this);
  }

  onApplicationShutdown(): void {
    StrategyRegistrations.release('local', this);
  }

  validate(request: FastifyRequest, email: string, password: string): Promise<SignInUser | null> {
    return this.auth.checkCredentials(email, password, clientInfo(request));
  }
}
