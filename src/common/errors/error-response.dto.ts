import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorDetailDto } from './error-detail.dto.js';

/** The one error body of the API. */
export class ErrorResponseDto {
  @ApiProperty({ example: 401 })
  statusCode: number;

  @ApiProperty({ example: 'Unauthorized' })
  error: string;

  @ApiProperty({ example: 'The access token has expired' })
  message: string;

  @ApiProperty({ example: 'token_expired', description: 'Stable machine-readable code' })
  code: string;

  @ApiPropertyOptional({ type: [ErrorDetailDto] })
  details?: ErrorDetailDto[] | Record<string, unknown>;

  @ApiProperty({ example: '0b6f0d1e-8f7e-4d5c-9a7b-2f0c1d9e8a11' })
  requestId: string;
}
