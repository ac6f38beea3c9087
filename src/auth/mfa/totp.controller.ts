import { Body, Controller, Delete, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { ClientInfo } from '../../common/client-info.js';
import { ErrorResponseDto } from '../../common/errors/error-response.dto.js';
import type { AuthUser } from '../auth-user.js';
import { Client } from '../decorators/client-info.decorator.js';
import { CurrentUser } from '../decorators/current-user.decorator.js';
import { RateLimited } from '../decorators/rate-limited.decorator.js';
import { RequireAuthLevel } from '../decorators/require-auth-level.decorator.js';
import { DisableTotpDto } from './dto/disable-totp.dto.js';
import { RecoveryCodesResponseDto } from './dto/recovery-codes-response.dto.js';
import { TotpCodeDto } from './dto/totp-code.dto.js';
import { TotpSetupResponseDto } from './dto/totp-setup-response.dto.js';
import { MfaService } from './mfa.service.js';

/** The caller's TOTP and recovery codes. */
@ApiTags('mfa')
@Controller('auth/mfa')
export class TotpController {
  constructor(private readonly mfa: MfaService) {}

  @Post('totp/setup')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Start TOTP enrolment',
    description:
      'A new secret, not active until confirmed with a code (a pending one is replaced). Show ' +
      'the QR code, or the secret, to the authenticator app.',
  })
  @ApiOkResponse({ type: TotpSetupResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`totp_already_enabled`' })
  async setUp(@CurrentUser() user: AuthUser): Promise<TotpSetupResponseDto> {
    return this.mfa.setUpTotp(user);
  }

  @RateLimited()
  @Post('totp/confirm')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Turn TOTP on',
    description:
      'A code of the pending secret turns it on and returns 10 recovery codes, shown once. A ' +
      'wrong code counts against the sign-in lockout.',
  })
  @ApiOkResponse({ type: RecoveryCodesResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: '`invalid_mfa_code`' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: '`totp_setup_required`, `totp_already_enabled`',
  })
  async confirm(
    @CurrentUser() user: AuthUser,
    @Body() dto: TotpCodeDto,
    @Client() client: ClientInfo,
  ): Promise<RecoveryCodesResponseDto> {
    return { recoveryCodes: await this.mfa.confirmTotp(user, dto.code, client) };
  }

  @RequireAuthLevel({ maxAgeSeconds: 300 })
  @RateLimited()
  @Delete('totp')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Turn TOTP off',
    description:
      'With a current code or the password, and a sign-in of the last 5 minutes. The recovery ' +
      'codes go with it.',
  })
  @ApiNoContentResponse({ description: 'TOTP is off; the recovery codes are gone' })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: '`invalid_mfa_code`, `invalid_current_password`',
  })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`totp_not_enabled`' })
  async disable(
    @CurrentUser() user: AuthUser,
    @Body() dto: DisableTotpDto,
    @Client() client: ClientInfo,
  ): Promise<void> {
    await this.mfa.disableTotp(user, dto, client);
  }

  @RequireAuthLevel({ maxAgeSeconds: 300 })
  @RateLimited()
  @Post('recovery-codes')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Replace the recovery codes',
    description:
      'A new set of 10, with a current code and a sign-in of the last 5 minutes; the old set ' +
      'stops working.',
  })
  @ApiOkResponse({ type: RecoveryCodesResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiForbiddenResponse({ type: ErrorResponseDto, description: '`invalid_mfa_code`' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: '`totp_not_enabled`' })
  async regenerate(
    @CurrentUser() user: AuthUser,
    @Body() dto: TotpCodeDto,
    @Client() client: ClientInfo,
  ): Promise<RecoveryCodesResponseDto> {
    return { recoveryCodes: await this.mfa.regenerateRecoveryCodes(user, dto.code, client) };
  }
}
