import { Controller, Delete, HttpCode } from '@nestjs/common';
import { ApiNoContentResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ClientInfo } from '../../common/client-info.js';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { UuidParam } from '../../common/validation/uuid-param.decorator.js';
import type { AuthUser } from '../auth-user.js';
import { Client } from '../decorators/client-info.decorator.js';
import { CurrentUser } from '../decorators/current-user.decorator.js';
import { Roles } from '../decorators/roles.decorator.js';
import { MfaService } from './mfa.service.js';

/** An administrator's way out for a user who lost every second factor. */
@ApiTags('users')
@Roles('admin')
@Controller('users/:id/mfa')
export class AdminMfaController {
  constructor(private readonly mfa: MfaService) {}

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: "Remove a user's second factors",
    description:
      'Removes TOTP, the recovery codes and the passkeys of the user, and ends every session of theirs ' +
      '(audited as `mfa_reset`). They sign in with the password alone afterwards.',
  })
  @ApiNoContentResponse({ description: 'No second factor left; every session ended' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async reset(
    @CurrentUser() admin: AuthUser,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.mfa.reset(admin, id, client);
  }
}
