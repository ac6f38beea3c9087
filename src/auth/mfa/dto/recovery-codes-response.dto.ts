import { ApiProperty } from '@nestjs/swagger';

export class RecoveryCodesResponseDto {
  @ApiProperty({
    type: [String],
    example: ['abcde-fghjk'],
    description: '10 codes, shown once: each signs in once instead of a TOTP code',
  })
  recoveryCodes: string[];
}
