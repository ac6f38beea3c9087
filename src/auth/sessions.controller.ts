import { Controller, Delete, Get, HttpCode } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { UuidParam } from '../common/validation/uuid-param.decorator.js';
import { SessionRevocations } from '../tokens/session-revocations.js';
import { SessionsService } from '../tokens/sessions.service.js';
import type { AuthUser } from './auth-user.js';
import { Client } from './decorators/client-info.decorator.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { ActiveSessionDto } from './dto/active-session.dto.js';

/** The caller's own sessions (signed-in devices). */
@ApiTags('auth')
@Controller('auth/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly revocations: SessionRevocations,
  ) {}

  @Get()
  @ApiOkResponse({ type: [ActiveSessionDto] })
  @ApiOperation({
    summary: 'List your sessions',
    description:
      "The signed-in user's open sessions (one per sign-in), with the current one marked.",
  })
  async list(@CurrentUser() user: AuthUser): Promise<ActiveSessionDto[]> {
    const sessions = await this.sessions.listActive(user.userId);
    return sessions.map((session) => ActiveSessionDto.from(session, user.sessionId));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session is revoked' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such session of yours' })
  @ApiOperation({
    summary: 'Revoke one of your sessions',
    description:
      "Ends one of the signed-in user's sessions; its tokens stop working at once. Another user's session is a 404.",
  })
  async revoke(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.revocations.revokeOwn(user.userId, id, 'revoked_by_user', {
      actorId: user.userId,
      client,
    });
  }
}
