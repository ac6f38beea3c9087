import { allowedReturnTo, withParams } from './allowed-redirects.js';

describe('allowedReturnTo', () => {
  const allowed = ['/signed-in', 'https://app.example.com'];

  it('accepts a listed path (with its query) and any URL on a listed origin', () => {
    expect(allowedReturnTo('/signed-in?tab=1', allowed)).toBe('/signed-in?tab=1');
    expect(allowedReturnTo('https://app.example.com/a/b?c=d', allowed)).toBe(
      'https://app.example.com/a/b?c=d',
    );
  });

  it('uses the first entry when no redirect is given', () => {
    expect(allowedReturnTo(undefined, allowed)).toBe('/signed-in');
    expect(allowedReturnTo(undefined, ['https://app.example.com'])).toBe(
      'https://app.example.com/',
    );
  });

  it.each([
    '/elsewhere',
    '/signed-in/../admin',
    '//evil.example/signed-in',
    '/\\evil.example',
    'https://evil.example/',
    'https://app.example.com.evil.example/',
    'https://user:pw@app.example.com/',
    'http://app.example.com/',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %s', (value) => {
    expect(allowedReturnTo(value, allowed)).toBeNull();
  });
});

describe('withParams', () => {
  it('sets the parameters on a path or a URL, replacing any of the same name', () => {
    expect(withParams('/signed-in?code=old&x=1', { code: 'new' })).toBe('/signed-in?code=new&x=1');
    expect(withParams('https://app.example.com/', { error: 'login_failed' })).toBe(
      'https://app.example.com/?error=login_failed',
    );
  });
});
