// The harness's own arithmetic: a wrong median or a wrong verdict would print a false README.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseOptions } from './options.mjs';
import { formatTable, scenariosMarkdown } from './report.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { median, ratio } from './stats.mjs';
import { productionNodeArgs } from './systems.mjs';
import { judgeRss, judgeScenario, judgeSoak, RSS_LIMITS_MB } from './targets.mjs';

const scenario = (name) => SCENARIOS.find((candidate) => candidate.name === name);
const figures = (rps, ratioToYardstick) => ({ sentinel: { rps }, ratio: ratioToYardstick });

describe('bench statistics', () => {
  it('takes the median of the finite values, odd or even in number', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, Number.NaN, 1, undefined, 3])).toBe(3);
    expect(median([])).toBeUndefined();
  });

  it('rounds ratios to two places, and has none against nothing', () => {
    expect(ratio(7639, 6414)).toBe(1.19);
    expect(ratio(1, 0)).toBeUndefined();
  });
});

describe('bench verdicts', () => {
  it('judges a ratio target at its bound, and fails a run without a yardstick', () => {
    const session = scenario('session');
    expect(judgeScenario(session, figures(100, 1.0), 'postgres').met).toBe(true);
    expect(judgeScenario(session, figures(100, 0.99), 'postgres').met).toBe(false);
    expect(judgeScenario(session, figures(100, undefined), 'postgres').met).toBe(false);
  });

  it('judges a req/s target only on the database it names', () => {
    const refresh = scenario('refresh');
    expect(judgeScenario(refresh, figures(1000), 'postgres').met).toBe(true);
    expect(judgeScenario(refresh, figures(999), 'postgres').met).toBe(false);
    expect(judgeScenario(refresh, figures(9999), 'embedded').met).toBeNull();
    expect(judgeScenario(scenario('health'), figures(1), 'postgres').met).toBeNull();
  });

  it('judges users-me against node:http + jose + pg, on PostgreSQL only', () => {
    const usersMe = scenario('users-me');
    expect(judgeScenario(usersMe, figures(100, 0.8), 'postgres')).toEqual({
      text: '≥ 0.8× node:http + jose + pg on PostgreSQL',
      met: true,
    });
    expect(judgeScenario(usersMe, figures(100, 0.79), 'postgres').met).toBe(false);
    expect(judgeScenario(usersMe, figures(100, undefined), 'postgres').met).toBe(false);
    // No yardstick on the embedded database: not judged, whatever Sentinel did.
    expect(judgeScenario(usersMe, figures(100, undefined), 'embedded').met).toBeNull();
  });

  it('calls RSS flat within ±10 % of the first run, and under the limit', () => {
    const limit = RSS_LIMITS_MB.postgres;
    expect(judgeSoak([150, 165, 135], 'postgres')).toMatchObject({ flat: true, met: true });
    expect(judgeSoak([150, 166, 150], 'postgres')).toMatchObject({ flat: false, met: false });
    expect(judgeSoak([190, 195, limit], 'postgres')).toMatchObject({ flat: true, met: false });
    expect(judgeRss(limit, 'postgres')).toEqual({ text: '< 200 MB', limitMb: 200, met: false });
  });

  it('allows the embedded database, inside Sentinel’s process, 300 MB', () => {
    expect(judgeRss(299.9, 'embedded')).toEqual({ text: '< 300 MB', limitMb: 300, met: true });
    expect(judgeRss(300, 'embedded').met).toBe(false);
    expect(judgeSoak([280, 290, 299], 'embedded')).toMatchObject({ underLimit: true, met: true });
  });
});

describe('bench report', () => {
  it('says why a comparison did not run, in the console and in the README table', () => {
    const results = {
      options: { connections: 50, rounds: 3, duration: 10 },
      startedAt: '2026-12-02T06:00:00.000Z',
      machine: {
        cores: 2,
        cpu: 'x',
        memoryGb: 1,
        os: 'Linux',
        node: 'v20',
        loadAverageAtStart: [1, 1, 1],
      },
      database: { kind: 'embedded', description: 'embedded PGlite' },
      peakRssMb: { sentinel: 100 },
      rss: judgeRss(100, 'embedded'),
      scenarios: [
        {
          name: 'users-me',
          title: 'GET /users/me',
          compareWith: 'lookup',
          comparisonUnavailable: 'no server',
          sentinel: { rps: 900, rounds: [900], p50: 1, p99: 2, cpuMicrosPerRequest: 10 },
          target: scenario('users-me').target,
          verdict: judgeScenario(scenario('users-me'), figures(900, undefined), 'embedded'),
        },
      ],
    };
    expect(scenariosMarkdown(results)).toContain('| node:http + jose + pg: n/a (no server) | — |');
    expect(formatTable(results)).toContain(
      'users-me: no node:http + jose + pg on this database (no server)',
    );
  });
});

describe('bench options', () => {
  it('measures only the session scenario for --soak, and refuses unknown or bad values', () => {
    expect(parseOptions(['--soak', '--scenarios', 'login']).scenarios).toEqual(['session']);
    expect(() => parseOptions(['--scenarios', 'session,nope'])).toThrow(/unknown scenario nope/);
    expect(() => parseOptions(['--duration', '0'])).toThrow(/--duration/);
  });

  it("starts Sentinel with start:prod's node flags, so it measures what ships", () => {
    const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url)));
    const flags = productionNodeArgs();
    expect(flags.length).toBeGreaterThan(0);
    for (const flag of flags) {
      expect(flag.startsWith('--')).toBe(true);
      expect(scripts['start:prod']).toContain(` ${flag} `);
    }
  });
});
