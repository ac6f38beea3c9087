import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { normalizeEmail } from '../../../users/dto/email.decorator.js';

/** Omit the email for a discoverable (usernameless) sign-in: the authenticator offers its own. */
export class PasskeyAuthenticationOptionsDto {
  @ApiPropertyOptional({
    example: 'ada@example.com',
    maxLength: 254,
    description: "The account's email, to offer only its passkeys; omitted: any passkey here",
  })
  @Transform(({ value }) => (typeof value === 'string' ? normalizeEmail(value) : value))
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  email?: string;
}
