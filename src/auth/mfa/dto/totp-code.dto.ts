import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

/** A current code of the authenticator app. */
export class TotpCodeDto {
  @ApiProperty({ example: '123456', description: 'The 6-digit code the authenticator app shows' })
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code: string;
}
