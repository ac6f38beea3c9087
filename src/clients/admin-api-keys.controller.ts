import { Controller, Delete, Get, HttpCode } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { Client } from '../auth/decorators/client-info.decorator.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import { Roles } from '../auth/decorators/roles.decorator.js';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { UuidParam } from '../common/validation/uuid-param.decorator.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyResponseDto } from './dto/api-key-response.dto.js';

/** Administrators: any user's API keys. */
@ApiTags('api-keys')
@Roles('admin')
@Controller('users/:id/api-keys')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed id' })
export class AdminApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Get()
  @ApiOkResponse({ type: [ApiKeyResponseDto] })
  @ApiOperation({
    summary: "List a user's API keys",
    description: "A user's API keys, without secrets (administrators).",
  })
  async list(@UuidParam() userId: string): Promise<ApiKeyResponseDto[]> {
    return (await this.apiKeys.list(userId)).map(ApiKeyResponseDto.from);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted: refused at once by every instance' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such key of that user' })
  @ApiOperation({
    summary: "Delete a user's API key",
    description: 'Deletes one API key of a user (administrators).',
  })
  async remove(
    @UuidParam() userId: string,
    @UuidParam('keyId') keyId: string,
    @CurrentUser() admin: AuthUser,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.apiKeys.remove(userId, keyId, { actorId: admin.userId, client });
  }
}
