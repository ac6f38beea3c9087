import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { NoControlCharacters } from '../../common/validation/no-control-characters.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const ProjectNameField = ({ optional = false } = {}) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      minLength: 1,
      maxLength: 100,
      example: 'Apollo',
    }),
    Transform(trim),
    // Optional on update: absent means unchanged, but null is not a name.
    ...(optional ? [ValidateIf((_: unknown, value: unknown) => value !== undefined)] : []),
    IsString(),
    MinLength(1),
    MaxLength(100),
    NoControlCharacters('name'),
  );

export const ProjectDescriptionField = () =>
  applyDecorators(
    ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000 }),
    Transform(trim),
    IsOptional(),
    IsString(),
    MaxLength(2000),
    NoControlCharacters('description'),
  );
