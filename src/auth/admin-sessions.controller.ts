import { Controller, Delete, HttpCode } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { UuidParam } from '../common/validation/uuid-param.decorator.js';
import { SessionRevocations } from '../tokens/session-revocations.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';
import { Client } from './decorators/client-info.decorator.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { Roles } from './decorators/roles.decorator.js';

/** Signing a user out everywhere, for administrators. */
@ApiTags('users')
@Roles('admin')
@Controller('users/:id/sessions')
export class AdminSessionsController {
  constructor(
    private readonly users: UsersService,
    private readonly revocations: SessionRevocations,
  ) {}

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Every session of the user is revoked' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiOperation({
    summary: "Revoke a user's sessions",
    description: 'Ends every session of a user (administrators).',
  })
  async revokeAll(
    @CurrentUser() admin: AuthUser,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.users.findById(id);
    await this.revocations.revokeAllOfUser(id, 'revoked_by_admin', {
      actorId: admin.userId,
      client,
    });
  }
}
