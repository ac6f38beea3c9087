import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * RFC 7662 §2.2. For anything but an active token, exactly `{"active": false}`: nothing tells
 * an expired token from a forged one.
 */
export class IntrospectionResponseDto {
  @ApiProperty()
  active: boolean;

  @ApiPropertyOptional({ description: 'The user, or the service account' })
  sub?: string;

  @ApiPropertyOptional({ description: 'Service tokens: the service account' })
  client_id?: string;

  @ApiPropertyOptional({ example: 'projects:read projects:write' })
  scope?: string;

  @ApiPropertyOptional({
    description: 'Seconds since the epoch; absent for a key that never expires',
  })
  exp?: number;

  @ApiPropertyOptional()
  iat?: number;

  @ApiPropertyOptional()
  iss?: string;

  @ApiPropertyOptional()
  aud?: string;

  @ApiPropertyOptional({
    description: '`Bearer` (access token or API key) or `refresh_token`',
    example: 'Bearer',
  })
  token_type?: string;

  @ApiPropertyOptional({ description: 'The session of a user’s access or refresh token' })
  sid?: string;

  @ApiPropertyOptional({ description: 'Access tokens: their jti; API keys: the key id' })
  jti?: string;
}
