import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { ClientInfo } from '../../common/client-info.js';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import { Client } from '../decorators/client-info.decorator.js';
import { Public } from '../decorators/public.decorator.js';
import { RateLimited } from '../decorators/rate-limited.decorator.js';
import { ForgotPasswordDto } from './dto/forgot-password.dto.js';
import { MailQueuedResponseDto } from './dto/mail-queued-response.dto.js';
import { ResetPasswordDto } from './dto/reset-password.dto.js';
import { PasswordResetService } from './password-reset.service.js';

@ApiTags('auth')
@Controller('auth/password')
export class PasswordResetController {
  constructor(private readonly reset: PasswordResetService) {}

  @Public()
  @RateLimited()
  @Post('forgot')
  @HttpCode(202)
  @ApiAcceptedResponse({
    type: MailQueuedResponseDto,
    description: 'Always, known address or not; a link is mailed when an active account has it',
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: '`mail_disabled`' })
  @ApiOperation({
    operationId: 'auth_forgot_password',
    summary: 'Ask for a password reset',
    description:
      'Mails a reset link when the address belongs to an active account. The answer is the same either way, so it reveals no accounts.',
  })
  forgot(@Body() dto: ForgotPasswordDto): MailQueuedResponseDto {
    this.reset.forgot(dto.email);
    return MailQueuedResponseDto.of('reset_requested');
  }

  @Public()
  @RateLimited()
  @Post('reset')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Password changed; every session is signed out' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: '`invalid_or_expired_token`' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: '`server_busy`' })
  @ApiOperation({
    operationId: 'auth_reset_password',
    summary: 'Reset the password',
    description:
      'Consumes the token from a reset mail and sets the new password; every session of the user ends and the lockout is cleared.',
  })
  async resetPassword(@Body() dto: ResetPasswordDto, @Client() client: ClientInfo): Promise<void> {
    await this.reset.reset(dto.token, dto.newPassword, client);
  }
}
