import { ApiProperty } from '@nestjs/swagger';

/** Terminus's report: `status` plus one entry per check (`database`). */
export class HealthResponseDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'], example: 'ok' })
  status: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { database: { status: 'up', responseTime: 2 } },
  })
  info: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, example: {} })
  error: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true })
  details: Record<string, unknown>;
}
