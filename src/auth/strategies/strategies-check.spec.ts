import passport from 'passport';
import { StrategiesCheck } from './strategies-check.js';

describe('StrategiesCheck', () => {
  const check = (authStrategies: string[]) =>
    new StrategiesCheck({ authStrategies } as never).onApplicationBootstrap();

  beforeAll(() => {
    passport.use('registered-here', new passport.Strategy());
  });
  afterAll(() => {
    passport.unuse('registered-here');
  });

  it('lets a start through when every name in AUTH_STRATEGIES is registered', () => {
    expect(check(['registered-here'])).toBeUndefined();
  });

  it('stops the start with one line naming what no module registers', () => {
    expect(() => check(['registered-here', 'sso-nobody-registered', 'typo'])).toThrow(
      'Invalid configuration: AUTH_STRATEGIES names sso-nobody-registered, typo, which no module ' +
        'registers (a PassportStrategy provider with that name)',
    );
  });
});
