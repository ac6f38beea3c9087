import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class ExchangeCodeDto {
  @ApiProperty({ description: 'The `code` the provider sign-in put on the redirect' })
  @IsString()
  @MaxLength(128)
  code: string;
}
