import { bearerChallenge } from './www-authenticate.js';

describe('bearerChallenge', () => {
  describe('401', () => {
    it('is the bare Bearer challenge when no token was presented', () => {
      expect(bearerChallenge(401, 'missing_token', 'Authentication required')).toBe(
        'Bearer realm="sentinel"',
      );
    });

    it('is the bare challenge for other 401 codes such as invalid_credentials', () => {
      expect(bearerChallenge(401, 'invalid_credentials', 'Wrong email or password')).toBe(
        'Bearer realm="sentinel"',
      );
    });

    it.each(['invalid_token', 'token_expired'])(
      'adds error="invalid_token" and the description for %s',
      (code) => {
        expect(bearerChallenge(401, code, 'The access token has expired')).toBe(
          'Bearer realm="sentinel", error="invalid_token", error_description="The access token has expired"',
        );
      },
    );

    it('keeps quotes and backslashes in the message inside the quoted-string', () => {
      const challenge = bearerChallenge(401, 'invalid_token', 'bad", error="insufficient_scope\\');

      expect(challenge).toBe(
        'Bearer realm="sentinel", error="invalid_token", error_description="bad , error= insufficient_scope "',
      );
      // Exactly the six quotes of three quoted-strings: nothing escaped from the description.
      expect(challenge?.match(/"/g)).toHaveLength(6);
    });

    it('cannot be used to inject a header line', () => {
      const challenge = bearerChallenge(401, 'invalid_token', 'x\r\nSet-Cookie: session=evil');

      expect(challenge).not.toMatch(/[\r\n]/);
      expect(challenge).toContain('error_description="x  Set-Cookie: session=evil"');
    });
  });

  describe('403', () => {
    it('is error="insufficient_scope" for a missing role', () => {
      expect(
        bearerChallenge(403, 'insufficient_role', 'This operation requires the role admin'),
      ).toBe(
        'Bearer realm="sentinel", error="insufficient_scope", error_description="This operation requires the role admin"',
      );
    });

    it.each(['forbidden', 'invalid_current_password', 'self_lockout'])(
      'is undefined for the code %s',
      (code) => {
        expect(bearerChallenge(403, code, 'No')).toBeUndefined();
      },
    );
  });

  it.each<[number, string]>([
    [400, 'invalid_token'],
    [404, 'not_found'],
    [409, 'insufficient_role'],
    [500, 'internal_error'],
  ])('is undefined for status %s (code %s)', (status, code) => {
    expect(bearerChallenge(status, code, 'message')).toBeUndefined();
  });

  describe('scopes and clients', () => {
    it('names the scopes a 403 insufficient_scope needs (RFC 6750 §3)', () => {
      expect(
        bearerChallenge(403, 'insufficient_scope', 'Needs projects:write', ['projects:write']),
      ).toBe(
        'Bearer realm="sentinel", error="insufficient_scope", scope="projects:write", error_description="Needs projects:write"',
      );
      expect(bearerChallenge(403, 'insufficient_scope', 'For users')).toBe(
        'Bearer realm="sentinel", error="insufficient_scope", error_description="For users"',
      );
    });

    it('answers invalid_client with the Basic challenge (RFC 6749 §5.2)', () => {
      expect(bearerChallenge(401, 'invalid_client', 'Client authentication failed')).toBe(
        'Basic realm="sentinel"',
      );
    });
  });

  describe('step-up (RFC 9470 §3)', () => {
    it('names what the route demands: acr_values and/or max_age', () => {
      const code = 'insufficient_user_authentication';
      expect(bearerChallenge(401, code, 'Sign in again', [], { acrValues: 'mfa' })).toBe(
        'Bearer realm="sentinel", error="insufficient_user_authentication", error_description="Sign in again", acr_values="mfa"',
      );
      expect(bearerChallenge(401, code, 'Sign in again', [], { maxAge: 300 })).toBe(
        'Bearer realm="sentinel", error="insufficient_user_authentication", error_description="Sign in again", max_age=300',
      );
      expect(bearerChallenge(401, code, 'x', [], { acrValues: 'mfa', maxAge: 300 })).toBe(
        'Bearer realm="sentinel", error="insufficient_user_authentication", error_description="x", acr_values="mfa", max_age=300',
      );
    });
  });
});
