import { ApiProperty } from '@nestjs/swagger';
import { SCOPES } from '../../users/scopes.js';
import type { ServiceClient } from '../service-client.entity.js';

/** A service account as listed: never its secret. */
export class ClientResponseDto {
  @ApiProperty({ format: 'uuid', description: 'Its `client_id`' })
  clientId: string;

  @ApiProperty({ example: 'billing-worker' })
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes: string[];

  @ApiProperty()
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  secretRotatedAt: Date | null;

  @ApiProperty({
    type: Date,
    nullable: true,
    description: 'Until when the secret before the last rotation still works',
  })
  previousSecretExpiresAt: Date | null;

  static from(client: ServiceClient): ClientResponseDto {
    return Object.assign(new ClientResponseDto(), ClientResponseDto.fields(client));
  }

  protected static fields(client: ServiceClient) {
    return {
      clientId: client.id,
      name: client.name,
      scopes: client.scopes,
      createdAt: client.createdAt,
      secretRotatedAt: client.secretRotatedAt,
      previousSecretExpiresAt: client.previousSecretExpiresAt,
    };
  }
}
