import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
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
import { PaginationQueryDto } from '../common/dto/pagination-query.dto.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { UuidParam } from '../common/validation/uuid-param.decorator.js';
import { AdminUpdateUserDto } from './dto/admin-update-user.dto.js';
import { UserPageResponseDto } from './dto/user-page-response.dto.js';
import { UserResponseDto } from './dto/user-response.dto.js';
import { UserEmailService } from './user-email.service.js';
import { UsersService } from './users.service.js';

/** User administration. */
@ApiTags('users')
@Roles('admin')
@Controller('users')
@ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed id or body' })
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly userEmails: UserEmailService,
  ) {}

  @Get()
  @ApiOkResponse({ type: UserPageResponseDto })
  @ApiOperation({
    summary: 'List users',
    description: 'Every account, a page at a time, oldest first (administrators).',
  })
  async list(@Query() query: PaginationQueryDto): Promise<UserPageResponseDto> {
    const { items, total } = await this.users.list(query);
    return { items: items.map(UserResponseDto.from), total, page: query.page, limit: query.limit };
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiOperation({ summary: 'Get a user', description: 'One account by id (administrators).' })
  async get(@UuidParam() id: string): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.findProfile(id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`self_lockout`, `last_admin`' })
  @ApiOperation({
    summary: 'Change a user',
    description:
      'Changes roles, display name or the disabled flag (administrators). Disabling an account or changing its roles ends its sessions at once. An administrator cannot demote or disable themselves (`self_lockout`).',
  })
  async update(
    @CurrentUser() admin: AuthUser,
    @UuidParam() id: string,
    @Body() dto: AdminUpdateUserDto,
    @Client() client: ClientInfo,
  ): Promise<UserResponseDto> {
    return UserResponseDto.from(await this.users.adminUpdate(admin.userId, id, dto, client));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'User deleted' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`self_lockout`, `last_admin`' })
  @ApiOperation({
    summary: 'Delete a user',
    description:
      'Deletes the account and ends its sessions (administrators). Its audit trail stays. An administrator cannot delete themselves (`self_lockout`).',
  })
  async remove(
    @CurrentUser() admin: AuthUser,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.users.remove(admin.userId, id, client);
  }

  /** An administrator vouches for the address (audited as `email_verified`). */
  @Post(':id/verify-email')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The address counts as verified' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiOperation({
    summary: "Mark a user's email verified",
    description:
      "Counts the account's address as verified without a mailed link (administrators; audited).",
  })
  async verifyEmail(
    @CurrentUser() admin: AuthUser,
    @UuidParam() id: string,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.userEmails.verifyByAdmin(admin.userId, id, client);
  }
}
