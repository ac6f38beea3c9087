import { ApiProperty } from '@nestjs/swagger';

/** A provider to offer on a sign-in page. */
export class OidcProviderResponseDto {
  @ApiProperty({ example: 'google', description: 'In `/auth/oidc/{id}`' })
  id: string;

  @ApiProperty({ example: 'Google' })
  name: string;
}
