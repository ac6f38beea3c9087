import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';

/** Email addresses are compared trimmed and lower-cased everywhere (one account per mailbox). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const EmailField = () =>
  applyDecorators(
    ApiProperty({ example: 'ada@example.com', maxLength: 254 }),
    Transform(({ value }) => (typeof value === 'string' ? normalizeEmail(value) : value)),
    IsString(),
    MaxLength(254),
    IsEmail(),
  );
