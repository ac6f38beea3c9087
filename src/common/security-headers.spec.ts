import { securityHeaders } from './security-headers.js';

describe('securityHeaders', () => {
  it("records Helmet's headers once, with the directives given", () => {
    const headers = securityHeaders({
      contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'] } },
    });
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'cross-origin-opener-policy': 'same-origin',
    });
    const csp = headers['content-security-policy'].split(';');
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(headers).not.toHaveProperty('x-powered-by');
    expect(Object.isFrozen(headers)).toBe(true);
  });

  it('refuses options Helmet refuses, when the app is built rather than on a request', () => {
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { 'img-src': ['self'] } } }),
    ).toThrow(/img-src/);
  });
});
