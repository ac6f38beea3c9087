import { ApiProperty } from '@nestjs/swagger';
import { SCOPES } from '../../users/scopes.js';

/** RFC 8414 §2, the fields Sentinel has. */
export class AuthorizationServerMetadataDto {
  @ApiProperty({ example: 'https://auth.example.com', description: 'JWT_ISSUER' })
  issuer: string;

  @ApiProperty()
  token_endpoint: string;

  @ApiProperty()
  jwks_uri: string;

  @ApiProperty()
  introspection_endpoint: string;

  @ApiProperty()
  revocation_endpoint: string;

  @ApiProperty({ example: ['client_credentials', 'refresh_token'] })
  grant_types_supported: string[];

  @ApiProperty({ type: [String], description: 'None: there is no authorization endpoint' })
  response_types_supported: string[];

  @ApiProperty({ example: ['client_secret_basic', 'client_secret_post'] })
  token_endpoint_auth_methods_supported: string[];

  @ApiProperty({ example: ['client_secret_basic', 'client_secret_post'] })
  introspection_endpoint_auth_methods_supported: string[];

  @ApiProperty({ example: ['client_secret_basic', 'client_secret_post'] })
  revocation_endpoint_auth_methods_supported: string[];

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes_supported: string[];
}
