import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { clientInfo, type ClientInfo } from '../../common/client-info.js';

/** The caller's address and user agent, recorded with the session it opens. */
export const Client = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ClientInfo =>
    clientInfo(context.switchToHttp().getRequest<FastifyRequest>()),
);
