import { ApiProperty } from '@nestjs/swagger';
import { SCOPES } from '../../users/scopes.js';
import type { ApiKey } from '../api-key.entity.js';

/** The answer to creating a key: the only time the key itself is shown. */
export class CreatedApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes: string[];

  @ApiProperty({ example: 'snt_Xq3v9aB2' })
  prefix: string;

  @ApiProperty({ description: 'Shown once; stored only as a hash', example: 'snt_…' })
  key: string;

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  expiresAt: Date | null;

  static from(apiKey: ApiKey, key: string): CreatedApiKeyResponseDto {
    const { id, name, scopes, prefix, createdAt, expiresAt } = apiKey;
    return Object.assign(new CreatedApiKeyResponseDto(), {
      id,
      name,
      scopes,
      prefix,
      key,
      createdAt,
      expiresAt,
    });
  }
}
