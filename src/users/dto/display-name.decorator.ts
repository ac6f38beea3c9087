import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { NoControlCharacters } from '../../common/validation/no-control-characters.js';

export const DisplayNameField = () =>
  applyDecorators(
    ApiPropertyOptional({ maxLength: 100, example: 'Ada Lovelace' }),
    Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)),
    IsOptional(),
    IsString(),
    MinLength(1),
    MaxLength(100),
    NoControlCharacters('displayName'),
  );
