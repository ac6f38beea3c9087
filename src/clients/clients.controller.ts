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
import { Roles } from '../auth/decorators/roles.decorator.js';
import type { ClientInfo } from '../common/client-info.js';
import type { ClientsActor } from './clients-events.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { UuidParam } from '../common/validation/uuid-param.decorator.js';
import { ClientResponseDto } from './dto/client-response.dto.js';
import { ClientWithSecretResponseDto } from './dto/client-with-secret-response.dto.js';
import { CreateClientDto } from './dto/create-client.dto.js';
import { ServiceClientsService } from './service-clients.service.js';

const actor = (admin: AuthUser, client: ClientInfo): ClientsActor => ({
  actorId: admin.userId,
  client,
});

/** Administrators: service accounts (clients of `POST /oauth/token`). */
@ApiTags('clients')
@Roles('admin')
@Controller('clients')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed id or body' })
export class ClientsController {
  constructor(private readonly clients: ServiceClientsService) {}

  @Post()
  @ApiCreatedResponse({ type: ClientWithSecretResponseDto })
  @ApiOperation({
    summary: 'Create a service account',
    description:
      'Creates a service account with a fixed set of scopes (administrators). The client secret is shown once.',
  })
  async create(
    @Body() dto: CreateClientDto,
    @CurrentUser() admin: AuthUser,
    @Client() client: ClientInfo,
  ): Promise<ClientWithSecretResponseDto> {
    return ClientWithSecretResponseDto.withSecret(
      await this.clients.create(dto.name, dto.scopes, actor(admin, client)),
    );
  }

  @Get()
  @ApiOkResponse({ type: [ClientResponseDto] })
  @ApiOperation({
    summary: 'List service accounts',
    description: 'Every service account, without secrets (administrators).',
  })
  async list(): Promise<ClientResponseDto[]> {
    return (await this.clients.list()).map(ClientResponseDto.from);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted: its tokens are refused at once' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiOperation({
    summary: 'Delete a service account',
    description: 'Deletes a service account; its tokens are refused at once (administrators).',
  })
  async remove(
    @UuidParam() id: string,
    @CurrentUser() admin: AuthUser,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.clients.remove(id, actor(admin, client));
  }

  @Post(':id/secret')
  @ApiCreatedResponse({
    type: ClientWithSecretResponseDto,
    description: 'A new secret; the old one works for CLIENT_SECRET_OVERLAP more',
  })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiOperation({
    summary: 'Rotate a client secret',
    description:
      'Issues a new client secret; the old one keeps working for CLIENT_SECRET_OVERLAP (administrators).',
  })
  async rotateSecret(
    @UuidParam() id: string,
    @CurrentUser() admin: AuthUser,
    @Client() client: ClientInfo,
  ): Promise<ClientWithSecretResponseDto> {
    return ClientWithSecretResponseDto.withSecret(
      await this.clients.rotateSecret(id, actor(admin, client)),
    );
  }
}
