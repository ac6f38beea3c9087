/** One OpenID provider from OIDC_PROVIDERS, its secret resolved. */
export interface OidcProviderConfig {
  /** In the routes (`/auth/oidc/<id>`) and in `identities.provider`: lowercase, stable. */
  id: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  name: string;
}

/** What OIDC_PROVIDERS could not be read as: the reason, for the start failure's one line. */
export class InvalidOidcProviders {
  constructor(readonly problem: string) {}
}

const ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** `OIDC_<ID>_CLIENT_SECRET`: the secret kept out of the JSON (dashes become underscores). */
export const secretVariable = (id: string) =>
  `OIDC_${id.toUpperCase().replace(/-/g, '_')}_CLIENT_SECRET`;

function parseOne(
  entry: unknown,
  env: Record<string, unknown>,
): OidcProviderConfig | InvalidOidcProviders {
  const fields = (entry ?? {}) as Record<string, unknown>;
  const { id, issuer, clientId, name } = fields;
  if (!isString(id) || !ID.test(id)) {
    return new InvalidOidcProviders('needs an "id" of lowercase letters, digits and dashes');
  }
  if (!isString(issuer) || !URL.canParse(issuer) || !/^https?:$/.test(new URL(issuer).protocol)) {
    return new InvalidOidcProviders(`"${id}" needs an http(s) "issuer" URL`);
  }
  if (!isString(clientId)) return new InvalidOidcProviders(`"${id}" needs a "clientId"`);
  const clientSecret = env[secretVariable(id)] ?? fields.clientSecret;
  if (!isString(clientSecret)) {
    return new InvalidOidcProviders(`"${id}" needs a "clientSecret" or ${secretVariable(id)}`);
  }
  const scopes = fields.scopes ?? ['openid', 'email', 'profile'];
  if (!Array.isArray(scopes) || !scopes.every(isString) || !scopes.includes('openid')) {
    return new InvalidOidcProviders(`"${id}" "scopes" must be a list of strings with "openid"`);
  }
  return {
    id,
    issuer,
    clientId,
    clientSecret,
    scopes,
    name: isString(name) ? name : id,
  };
}

/** OIDC_PROVIDERS, a JSON list; unset or empty: no provider. */
export function parseOidcProviders(
  value: string,
  env: Record<string, unknown>,
): OidcProviderConfig[] | InvalidOidcProviders {
  if (value.trim() === '') return [];
  let list: unknown;
  try {
    list = JSON.parse(value);
  } catch {
    return new InvalidOidcProviders('is not valid JSON');
  }
  if (!Array.isArray(list)) return new InvalidOidcProviders('must be a JSON list');
  const providers: OidcProviderConfig[] = [];
  for (const entry of list) {
    const provider = parseOne(entry, env);
    if (provider instanceof InvalidOidcProviders) return provider;
    if (providers.some((other) => other.id === provider.id)) {
      return new InvalidOidcProviders(`names "${provider.id}" twice`);
    }
    providers.push(provider);
  }
  return providers;
}
