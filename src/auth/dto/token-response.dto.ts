import { ApiProperty } from '@nestjs/swagger';

/** RFC 6749 §5.1 field meanings, camelCased like the rest of the API. */
export class TokenResponseDto {
  @ApiProperty({ description: 'JWT access token (typ at+jwt); send as "Authorization: Bearer"' })
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn: number;

  // Absent from the body when the request asked for `refreshTokenTransport: "cookie"`.
  @ApiProperty({
    required: false,
    description:
      'Opaque, single-use refresh token for POST /auth/refresh (also set as the HttpOnly cookie ' +
      '`refresh_token`). Using it twice revokes the session, unless within ' +
      '`REFRESH_RETRY_WINDOW` of its use, when it returns the same successor. Absent when the ' +
      'request said `refreshTokenTransport: "cookie"`.',
  })
  refreshToken: string;

  @ApiProperty({ description: 'When the refresh token expires' })
  refreshExpiresAt: Date;
}
