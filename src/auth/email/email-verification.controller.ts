import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
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
import { LinkTokenDto } from './dto/link-token.dto.js';
import { MailQueuedResponseDto } from './dto/mail-queued-response.dto.js';
import { EmailVerificationService } from './email-verification.service.js';

@ApiTags('auth')
@Controller('auth/verify-email')
export class EmailVerificationController {
  constructor(private readonly verification: EmailVerificationService) {}

  @Public()
  @RateLimited()
  @Post()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The address is verified' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: '`invalid_or_expired_token`' })
  @ApiOperation({
    operationId: 'auth_verify_email',
    summary: 'Verify an email address',
    description: 'Consumes the token from a verification mail and marks the address verified.',
  })
  async verify(@Body() dto: LinkTokenDto, @Client() client: ClientInfo): Promise<void> {
    await this.verification.verify(dto.token, client);
  }

  @RateLimited()
  @Post('resend')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: MailQueuedResponseDto, description: 'A new link is on its way' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`already_verified`' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: '`mail_disabled`' })
  @ApiOperation({
    operationId: 'auth_resend_verification',
    summary: 'Resend the verification mail',
    description: 'Mails a new verification link to the signed-in user; older links stop working.',
  })
  async resend(@CurrentUser() user: AuthUser): Promise<MailQueuedResponseDto> {
    await this.verification.resend(user.userId);
    return MailQueuedResponseDto.of('verification_sent');
  }
}
