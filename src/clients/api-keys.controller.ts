import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user.js';
import { Client } from '../auth/decorators/client-info.decorator.js';
import { CurrentUser } from '../auth/decorators/current-user.decorator.js';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { UuidParam } from '../common/validation/uuid-param.decorator.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyResponseDto } from './dto/api-key-response.dto.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';
import { CreatedApiKeyResponseDto } from './dto/created-api-key-response.dto.js';

/**
 * The caller's API keys. Signed-in users only (no `@Scopes`): a key cannot mint or list keys.
 */
@ApiTags('api-keys')
@Controller('users/me/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: '`validation_failed`; `invalid_scope`: a scope the caller does not have',
  })
  @ApiOperation({
    summary: 'Create an API key',
    description:
      "Creates a personal API key with the scopes named (a subset of the caller's). The key is shown once and stored hashed.",
  })
  async create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateApiKeyDto,
    @Client() client: ClientInfo,
  ): Promise<CreatedApiKeyResponseDto> {
    const { apiKey, key } = await this.apiKeys.create(user.userId, dto, {
      actorId: user.userId,
      client,
    });
    return CreatedApiKeyResponseDto.from(apiKey, key);
  }

  @Get()
  @ApiOkResponse({ type: [ApiKeyResponseDto] })
  @ApiOperation({
    summary: 'List your API keys',
    description: "The signed-in user's API keys, without secrets.",
  })
  async list(@CurrentUser() user: AuthUser): Promise<ApiKeyResponseDto[]> {
    return (await this.apiKeys.list(user.userId)).map(ApiKeyResponseDto.from);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted: refused at once by every instance' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such key of yours' })
  @ApiOperation({
    summary: 'Delete an API key',
    description:
      "Deletes one of the signed-in user's API keys; it is refused at once on every instance.",
  })
  async remove(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.apiKeys.remove(user.userId, id, { actorId: user.userId, client });
  }
}
