import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { ClientInfo } from '../common/client-info.js';
import { ErrorResponseDto } from '../common/errors/error-response.dto.js';
import { ChangePasswordDto } from '../users/dto/change-password.dto.js';
import type { AuthUser } from './auth-user.js';
import { AuthService } from './auth.service.js';
import { Client } from './decorators/client-info.decorator.js';
import { CurrentUser } from './decorators/current-user.decorator.js';
import { RateLimited } from './decorators/rate-limited.decorator.js';
import { RequireAuthLevel } from './decorators/require-auth-level.decorator.js';

/**
 * The caller's password change. A users route served by `auth`: checking the current password
 * is a sign-in attempt (lockout, rate limit), and `users` does not depend on `auth`.
 */
@ApiTags('users')
@Controller('users/me')
export class PasswordController {
  constructor(private readonly auth: AuthService) {}

  @RequireAuthLevel({ maxAgeSeconds: 300 })
  @RateLimited()
  @Post('password')
  @HttpCode(204)
  // The name it had in UsersController: generated clients call it by this name.
  @ApiOperation({
    operationId: 'users_change_password',
    summary: 'Change your password',
    description:
      'Sets a new password after checking the current one; every other session of the user ends.',
  })
  @ApiNoContentResponse({ description: 'Password changed; every other session is signed out' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: '`invalid_current_password`' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: '`server_busy`' })
  async changePassword(
    @CurrentUser() user: AuthUser,
    @Body() dto: ChangePasswordDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.auth.changePassword(user, dto, client);
  }
}
