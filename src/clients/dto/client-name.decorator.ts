import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { NoControlCharacters } from '../../common/validation/no-control-characters.js';
import { SCOPES } from '../../users/scopes.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The name of an API key or a service account: 1–100 characters of text. */
export const ClientNameField = () =>
  applyDecorators(
    ApiProperty({ minLength: 1, maxLength: 100, example: 'CI deploy' }),
    Transform(trim),
    IsString(),
    MinLength(1),
    MaxLength(100),
    NoControlCharacters('name'),
  );

/** A non-empty list of known scopes. */
export const ScopesField = () =>
  applyDecorators(
    ApiProperty({ enum: SCOPES, isArray: true, example: ['projects:read'] }),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(SCOPES.length * 2),
    IsIn(SCOPES, { each: true, message: `each scope must be one of ${SCOPES.join(', ')}` }),
  );
