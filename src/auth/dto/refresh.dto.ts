import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import {
  RefreshTokenTransportField,
  type RefreshTokenTransport,
} from './refresh-token-transport.decorator.js';

export class RefreshDto {
  @ApiPropertyOptional({
    description: 'The refresh token; when omitted, the `refresh_token` cookie is used',
  })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  refreshToken?: string;

  @RefreshTokenTransportField()
  refreshTokenTransport?: RefreshTokenTransport;
}
