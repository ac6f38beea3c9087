import { Injectable } from '@nestjs/common';
import type { ServiceClient } from '../service-client.entity.js';
import { ServiceClientsService } from '../service-clients.service.js';
import { oauthError } from './oauth-errors.js';
import type { OAuthForm } from './oauth-form.js';

/** RFC 6749 §2.3.1: each part of Basic credentials is form-urlencoded first. */
const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));

/** `client_id:client_secret` of an `Authorization: Basic` header, or undefined. */
function basicCredentials(authorization: string | undefined): [string, string] | undefined {
  const match = /^basic +([A-Za-z0-9+/=]+) *$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw oauthError.invalidClient();
  try {
    return [formDecode(decoded.slice(0, colon)), formDecode(decoded.slice(colon + 1))];
  } catch {
    throw oauthError.invalidClient();
  }
}

/**
 * Authenticates the calling client by `client_secret_basic` or `client_secret_post` (exactly one
 * of them, RFC 6749 §2.3); anything else is 401 `invalid_client`.
 */
@Injectable()
export class ClientAuthentication {
  constructor(private readonly clients: ServiceClientsService) {}

  async authenticate(authorization: string | undefined, form: OAuthForm): Promise<ServiceClient> {
    const basic = basicCredentials(authorization);
    const postedId = form.get('client_id');
    const postedSecret = form.get('client_secret');
    if (basic && postedSecret !== undefined) {
      throw oauthError.invalidRequest('Use one client authentication method, not two');
    }
    if (basic && postedId !== undefined && postedId !== basic[0]) {
      throw oauthError.invalidRequest('client_id differs from the authenticated client');
    }
    const [clientId, secret] = basic ?? [postedId, postedSecret];
    if (clientId === undefined || secret === undefined) throw oauthError.invalidClient();
    const client = await this.clients.authenticate(clientId, secret);
    if (!client) throw oauthError.invalidClient();
    return client;
  }
}
