import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { domainToASCII } from 'node:url';

/**
 * The one form an email is stored and compared in (one account per mailbox): trimmed, the local
 * part in Unicode NFC and lower case (so a composed `é` and `e` + U+0301 are one letter), the
 * domain in its ASCII form (IDNA: `bücher.example` is `xn--bcher-kva.example`, fullwidth letters
 * mapped). A domain IDNA refuses becomes empty, so the address fails validation.
 */
export function normalizeEmail(email: string): string {
  const trimmed = email.trim();
  const at = trimmed.lastIndexOf('@');
  if (at < 0) return trimmed.normalize('NFC').toLowerCase();
  const local = trimmed.slice(0, at).normalize('NFC').toLowerCase();
  return `${local}@${domainToASCII(trimmed.slice(at + 1).normalize('NFC'))}`;
}

export const EmailField = () =>
  applyDecorators(
    ApiProperty({ example: 'ada@example.com', maxLength: 254 }),
    Transform(({ value }) => (typeof value === 'string' ? normalizeEmail(value) : value)),
    IsString(),
    MaxLength(254),
    IsEmail(),
  );
