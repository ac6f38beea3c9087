import { oauthError } from './oauth-errors.js';

/** The parameters of an OAuth request: a form body (RFC 6749 §3.2), read one name at a time. */
export class OAuthForm {
  private constructor(private readonly fields: Record<string, unknown>) {}

  /** Refuses anything but a form body: JSON or no body is `invalid_request`. */
  static from(contentType: string | undefined, body: unknown): OAuthForm {
    const isForm = /^application\/x-www-form-urlencoded\s*(;|$)/i.test(contentType ?? '');
    if (!isForm || typeof body !== 'object' || body === null) {
      throw oauthError.invalidRequest('The body must be application/x-www-form-urlencoded');
    }
    return new OAuthForm(body as Record<string, unknown>);
  }

  /** The parameter, or undefined when absent or empty; repeated is `invalid_request`. */
  get(name: string): string | undefined {
    const value = this.fields[name];
    if (Array.isArray(value)) throw oauthError.invalidRequest(`${name} must not be repeated`);
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  require(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw oauthError.invalidRequest(`${name} is required`);
    return value;
  }
}
