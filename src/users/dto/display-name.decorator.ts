import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

export const DisplayNameField = () =>
  applyDecorators(
    ApiPropertyOptional({ maxLength: 100, example: 'Ada Lovelace' }),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    IsOptional(),
    IsString(),
    MinLength(1),
    MaxLength(100),
    // PostgreSQL text cannot hold NUL; other control characters have no place in a name.
    Matches(/^[^\u0000-\u001f\u007f]*$/, {
      message: 'displayName must not contain control characters',
    }),
  );
