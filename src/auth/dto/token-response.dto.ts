import { ApiProperty } from '@nestjs/swagger';

/** RFC 6749 §5.1 field meanings, camelCased like the rest of the API. */
export class TokenResponseDto {
  @ApiProperty({ description: 'JWT access token (typ at+jwt); send as "Authorization: Bearer"' })
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn: number;
}
