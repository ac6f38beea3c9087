import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { SignInUser } from '../sign-in-user.js';

/** The account a sign-in strategy (`LocalAuthGuard`) has just authenticated. */
export const SignedIn = createParamDecorator(
  (_data: unknown, context: ExecutionContext): SignInUser =>
    context.switchToHttp().getRequest<FastifyRequest & { user: SignInUser }>().user,
);
