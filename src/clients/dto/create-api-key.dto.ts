import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsOptional } from 'class-validator';
import type { Scope } from '../../users/scopes.js';
import { ClientNameField, ScopesField } from './client-name.decorator.js';

export class CreateApiKeyDto {
  @ClientNameField()
  name: string;

  /** A subset of the caller's scopes (400 `invalid_scope` otherwise). */
  @ScopesField()
  scopes: Scope[];

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'In the future' })
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: Date;
}
