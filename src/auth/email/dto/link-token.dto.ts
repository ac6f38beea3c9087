import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

/** The token of a mailed link; any other string is 400 `invalid_or_expired_token`. */
export class LinkTokenDto {
  @ApiProperty({ description: 'The `token` of the link in the mail', example: 'k3J…' })
  @IsString()
  @MaxLength(200)
  token: string;
}
