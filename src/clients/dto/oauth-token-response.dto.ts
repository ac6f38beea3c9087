import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 6749 §5.1, in its own spelling. */
export class OAuthTokenResponseDto {
  @ApiProperty()
  access_token: string;

  @ApiProperty({ example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ description: 'Seconds', example: 900 })
  expires_in: number;

  @ApiProperty({ example: 'projects:read projects:write', description: 'Space-separated' })
  scope: string;

  @ApiPropertyOptional({ description: 'grant_type=refresh_token only: its successor' })
  refresh_token?: string;
}
