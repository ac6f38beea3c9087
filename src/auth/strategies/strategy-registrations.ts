import passport from 'passport';

/** Passport's registry, with the calls its types leave out. */
type Registry = typeof passport & { _strategy(name: string): unknown };
const registry = passport as Registry;

/** Per name, the live strategies of every app in this process, the newest last. */
const holders = new Map<string, object[]>();

/**
 * Passport's registry is one per process and a strategy takes its name when it is built, so with
 * two apps in one process (tests, a resource server beside Sentinel) the newest app's strategy
 * answers for both, and keeps answering after that app has closed, with its pool and revocation
 * feed gone. Strategies that hold app state record themselves here when built and leave when their
 * app has shut down, handing the name back to the newest app still running (the last app keeps
 * it: a request still in flight during its shutdown must find it).
 */
export const StrategyRegistrations = {
  /** Called once the strategy has registered itself under `name` (PassportStrategy does). */
  hold(name: string, strategy: object): void {
    holders.set(name, [...(holders.get(name) ?? []), strategy]);
  },

  /** Called when the strategy's app has shut down. */
  release(name: string, strategy: object): void {
    const rest = (holders.get(name) ?? []).filter((held) => held !== strategy);
    holders.set(name, rest);
    const newest = rest.at(-1);
    if (newest && registry._strategy(name) === strategy) {
      registry.use(name, newest as passport.Strategy);
    }
  },

  /** Whether some module registered a strategy under `name`. */
  has(name: string): boolean {
    return registry._strategy(name) !== undefined;
  },
};
