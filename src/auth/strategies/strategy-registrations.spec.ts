import passport from 'passport';
import { StrategyRegistrations } from './strategy-registrations.js';

type Registry = typeof passport & { _strategy(name: string): unknown };
const registered = (name: string) => (passport as Registry)._strategy(name);

/** What building a PassportStrategy provider does: take the name, and record it. */
function build(name: string): passport.Strategy {
  const strategy = new passport.Strategy();
  passport.use(name, strategy);
  StrategyRegistrations.hold(name, strategy);
  return strategy;
}

describe('StrategyRegistrations', () => {
  afterEach(() => {
    passport.unuse('probe');
  });

  it('hands the name back to the newest app still running when an app shuts down', () => {
    const first = build('probe');
    const second = build('probe');
    const third = build('probe');
    expect(registered('probe')).toBe(third);

    StrategyRegistrations.release('probe', second);
    expect(registered('probe')).toBe(third);
    StrategyRegistrations.release('probe', third);
    expect(registered('probe')).toBe(first);
    StrategyRegistrations.release('probe', first);
  });

  it('leaves the last app its strategy, for requests still in flight while it shuts down', () => {
    const only = build('probe');
    StrategyRegistrations.release('probe', only);
    expect(registered('probe')).toBe(only);
    expect(StrategyRegistrations.has('probe')).toBe(true);
    expect(StrategyRegistrations.has('never-registered')).toBe(false);
  });
});
