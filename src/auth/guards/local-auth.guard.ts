import { Injectable, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { createValidationPipe } from '../../common/validation/validation.pipe.js';
import { LoginDto } from '../dto/login.dto.js';
import { invalidCredentials } from '../invalid-credentials.js';
import type { SignInUser } from '../sign-in-user.js';

/**
 * `POST /auth/login` through the `'local'` strategy. Guards run before pipes, so the body is
 * validated here, as the global pipe would (400 `validation_failed`, unknown fields refused, the
 * email normalized), before the strategy reads it; the handler then reads `request.user`.
 */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  private readonly validation = createValidationPipe();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    request.body = await this.validation.transform(request.body, {
      type: 'body',
      metatype: LoginDto,
    });
    return super.canActivate(context) as Promise<boolean>;
  }

  /** A lockout's 429 passes through; every refusal of the credentials is one 401. */
  override handleRequest<TUser = SignInUser>(error: unknown, user: TUser | false): TUser {
    if (error) throw error;
    if (!user) throw invalidCredentials();
    return user;
  }
}
