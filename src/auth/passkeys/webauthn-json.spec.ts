import { asAuthenticationResponse, asRegistrationResponse, challengeOf } from './webauthn-json.js';

const clientData = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const assertion = (response: Record<string, unknown> = {}) => ({
  id: 'AQID',
  rawId: 'AQID',
  type: 'public-key',
  response: {
    clientDataJSON: clientData({ type: 'webauthn.get', challenge: 'Y2hhbGxlbmdl' }),
    authenticatorData: 'AAAA',
    signature: 'AAAA',
    ...response,
  },
});

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (
      error as { getResponse(): { code: string; details: { field: string }[] } }
    ).getResponse();
  }
  throw new Error('accepted');
};

describe('WebAuthn response shapes', () => {
  it('takes an assertion whose userHandle is null or absent, and fills clientExtensionResults', () => {
    const parsed = asAuthenticationResponse(assertion({ userHandle: null }));
    expect(parsed.response).not.toHaveProperty('userHandle');
    expect(parsed.clientExtensionResults).toEqual({});
    expect(asAuthenticationResponse(assertion({ userHandle: 'dXNlcg' })).response.userHandle).toBe(
      'dXNlcg',
    );
  });

  it('refuses missing or non-base64url fields with 400 validation_failed naming the field', () => {
    expect(refusal(() => asAuthenticationResponse(assertion({ signature: 'a+b/' })))).toMatchObject(
      {
        code: 'validation_failed',
        details: [{ field: 'response.response.signature' }],
      },
    );
    expect(
      refusal(() => asAuthenticationResponse({ ...assertion(), type: 'other' }, 'webauthn')),
    ).toMatchObject({ code: 'validation_failed', details: [{ field: 'webauthn' }] });
    expect(
      refusal(() =>
        asRegistrationResponse({ id: 'AQID', rawId: 'AQID', type: 'public-key', response: {} }),
      ),
    ).toMatchObject({ details: [{ field: 'response.response.clientDataJSON' }] });
  });

  it('reads the challenge out of clientDataJSON, or nothing from anything else', () => {
    expect(challengeOf(assertion())).toBe('Y2hhbGxlbmdl');
    for (const bad of ['', 'bm90IGpzb24', clientData(null), clientData({ challenge: 7 })]) {
      expect(challengeOf({ response: { clientDataJSON: bad } })).toBeUndefined();
    }
  });
});
