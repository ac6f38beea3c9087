import { ApiProperty } from '@nestjs/swagger';

/** One failing field of a 400 `validation_failed`. */
export class ErrorDetailDto {
  @ApiProperty({ example: 'password' })
  field: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { minLength: 'password must be longer than or equal to 12 characters' },
  })
  constraints: Record<string, string>;
}
