import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { SigningKeys } from '../tokens/signing-keys.js';
import { Public } from './decorators/public.decorator.js';

/**
 * Five minutes, well under the rotation overlap (the access-token lifetime, 15 minutes by
 * default): a new key is in every verifier's cache before it signs anything.
 */
export const JWKS_MAX_AGE_SECONDS = 300;

/** The public keys that verify Sentinel's access tokens (RFC 7517), for resource servers. */
@ApiTags('auth')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly keys: SigningKeys) {}

  @Get('jwks.json')
  @Header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  @ApiOkResponse({
    description: 'Every verifying public key (empty for HS256: secrets are never published)',
    schema: { type: 'object', properties: { keys: { type: 'array', items: { type: 'object' } } } },
  })
  @ApiOperation({
    summary: 'Public verification keys',
    description:
      'The JSON Web Key Set of the public keys that verify access tokens (empty with HS256). Resource servers cache it for its max-age.',
  })
  publicKeys() {
    return this.keys.jwks();
  }
}
