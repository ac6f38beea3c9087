// Command-line options of `npm run bench -- [options]`.
import { parseArgs } from 'node:util';
import { SCENARIO_NAMES } from './scenarios.mjs';

export const USAGE = `Usage: npm run bench -- [options]

  --scenarios a,b,c   which scenarios (default: all): ${SCENARIO_NAMES.join(', ')}
  --duration N        seconds per measured run (default 10)
  --connections N     concurrent connections (default 50)
  --rounds N          measured rounds per system, alternating (default 3)
  --warmup N          seconds of warm-up per system and scenario (default 3)
  --users N           pre-registered users for login, round-robin (default 200)
  --markdown          also print the README table
  --readme            rewrite README's Performance section from the results afterwards
  --soak              only the RSS flatness check: session, three consecutive 20 s runs
  --cpu-prof          run Sentinel under node --cpu-prof and summarise the profile after
  --node-args="…"     extra node flags for Sentinel, to measure one (e.g. --node-args=--max-old-space-size=128)
  --help

Environment: DATABASE_URL (a PostgreSQL server: a fresh database is created on it for the run
and dropped after; unset: the embedded PGlite in a fresh data directory).`;

function positiveInt(name, value) {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`--${name} must be a positive integer`);
  return number;
}

export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenarios: { type: 'string' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '3' },
      users: { type: 'string', default: '200' },
      markdown: { type: 'boolean', default: false },
      readme: { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'node-args': { type: 'string', default: '' },
      help: { type: 'boolean', default: false },
    },
  });
  const scenarios = values.scenarios
    ? values.scenarios
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
    : [...SCENARIO_NAMES];
  const unknown = scenarios.filter((name) => !SCENARIO_NAMES.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIO_NAMES.join(', ')}`);
  }
  return {
    help: values.help,
    scenarios: values.soak ? ['session'] : scenarios,
    duration: positiveInt('duration', values.duration),
    connections: positiveInt('connections', values.connections),
    rounds: positiveInt('rounds', values.rounds),
    warmup: Number(values.warmup) >= 0 ? Number(values.warmup) : 3,
    users: positiveInt('users', values.users),
    markdown: values.markdown,
    readme: values.readme,
    soak: values.soak,
    cpuProf: values['cpu-prof'],
    nodeArgs: values['node-args'].split(/\s+/).filter(Boolean),
  };
}
