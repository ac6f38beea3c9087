import { ApiProperty } from '@nestjs/swagger';
import { SCOPES } from '../../users/scopes.js';
import type { ApiKey } from '../api-key.entity.js';

/** An API key as listed: never the key, only its first characters (`prefix`). */
export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'CI deploy' })
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes: string[];

  @ApiProperty({ example: 'snt_Xq3v9aB2', description: 'The first characters of the key' })
  prefix: string;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  expiresAt: Date | null;

  @ApiProperty({ type: Date, nullable: true, description: 'Recorded at most once a minute' })
  lastUsedAt: Date | null;

  static from(key: ApiKey): ApiKeyResponseDto {
    const { id, name, scopes, prefix, createdAt, expiresAt, lastUsedAt } = key;
    return Object.assign(new ApiKeyResponseDto(), {
      id,
      name,
      scopes,
      prefix,
      createdAt,
      expiresAt,
      lastUsedAt,
    });
  }
}
