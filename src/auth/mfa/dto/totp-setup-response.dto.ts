import { ApiProperty } from '@nestjs/swagger';

export class TotpSetupResponseDto {
  @ApiProperty({ description: 'The base32 secret, for typing into an authenticator app' })
  secret: string;

  @ApiProperty({ example: 'otpauth://totp/Sentinel:ada%40example.com?secret=…&issuer=Sentinel' })
  otpauthUri: string;

  @ApiProperty({ description: 'The otpauth URI as a QR code, an SVG document' })
  qrCodeSvg: string;
}
