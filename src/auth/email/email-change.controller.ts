import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { ClientInfo } from '../../common/client-info.js';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import type { AuthUser } from '../auth-user.js';
import { Client } from '../decorators/client-info.decorator.js';
import { CurrentUser } from '../decorators/current-user.decorator.js';
import { Public } from '../decorators/public.decorator.js';
import { RateLimited } from '../decorators/rate-limited.decorator.js';
import { ChangeEmailDto } from './dto/change-email.dto.js';
import { LinkTokenDto } from './dto/link-token.dto.js';
import { MailQueuedResponseDto } from './dto/mail-queued-response.dto.js';
import { EmailChangeService } from './email-change.service.js';

/** A users route and an auth route, one flow: the request and its confirmation. */
@Controller()
export class EmailChangeController {
  constructor(private readonly change: EmailChangeService) {}

  @ApiTags('users')
  @RateLimited()
  @Post('users/me/email')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: MailQueuedResponseDto,
    description: 'A link to the new address, a notice to the old',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: '`invalid_current_password`' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: '`email_taken` (only with REGISTRATION_REVEALS_ACCOUNTS=true)',
  })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: '`mail_disabled`' })
  @ApiOperation({
    operationId: 'users_change_email',
    summary: 'Change your email address',
    description:
      'Mails a confirmation link to the new address (and a notice to the old one) after checking the current password. Nothing changes until the link is followed.',
  })
  async request(
    @CurrentUser() user: AuthUser,
    @Body() dto: ChangeEmailDto,
    @Client() client: ClientInfo,
  ): Promise<MailQueuedResponseDto> {
    await this.change.request(user, dto, client);
    return MailQueuedResponseDto.of('confirmation_sent');
  }

  @ApiTags('auth')
  @Public()
  @RateLimited()
  @Post('auth/email/confirm')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The address changed; other sessions are signed out' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: '`invalid_or_expired_token`' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`email_taken`' })
  @ApiOperation({
    operationId: 'auth_confirm_email_change',
    summary: 'Confirm an email change',
    description:
      "Consumes the token from the confirmation mail and changes the address; the user's other sessions end.",
  })
  async confirm(@Body() dto: LinkTokenDto, @Client() client: ClientInfo): Promise<void> {
    await this.change.confirm(dto.token, client);
  }
}
