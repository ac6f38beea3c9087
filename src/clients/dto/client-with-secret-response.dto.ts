import { ApiProperty } from '@nestjs/swagger';
import type { ClientWithSecret } from '../service-clients.service.js';
import { ClientResponseDto } from './client-response.dto.js';

/** A new service account, or a rotated secret: the only time the secret is shown. */
export class ClientWithSecretResponseDto extends ClientResponseDto {
  @ApiProperty({ description: 'Shown once; stored only as a hash' })
  clientSecret: string;

  static withSecret({ client, clientSecret }: ClientWithSecret): ClientWithSecretResponseDto {
    return Object.assign(new ClientWithSecretResponseDto(), {
      ...ClientResponseDto.fields(client),
      clientSecret,
    });
  }
}
