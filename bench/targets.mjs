// Issue 7's targets, judged on one run's figures.

/** Sentinel's peak RSS; on the embedded database PGlite runs inside its process (ADR 0009). */
export const RSS_LIMITS_MB = { postgres: 200, embedded: 300 };
export const rssLimitMb = (databaseKind) => RSS_LIMITS_MB[databaseKind] ?? RSS_LIMITS_MB.postgres;
/** Peak RSS of consecutive soak runs may differ from the first run's by this fraction. */
export const RSS_FLATNESS = 0.1;

const COMPARISON_NAMES = {
  baseline: 'node:http + jose',
  argon2: 'argon2id server',
  lookup: 'node:http + jose + pg',
};
export const comparisonName = (system) => COMPARISON_NAMES[system] ?? system;

const DATABASE_NAMES = { postgres: 'PostgreSQL', embedded: 'embedded PGlite' };

/**
 * { text, met }: met is true/false, or null where this run cannot judge the target (a target
 * `on` another database kind). A ratio without the comparison's figures is not met.
 */
export function judgeScenario(scenario, figures, databaseKind) {
  const { target } = scenario;
  if (!target) return { text: '—', met: null };
  const on = target.on ? ` on ${DATABASE_NAMES[target.on]}` : '';
  const judged = !target.on || databaseKind === target.on;
  if (target.ratio !== undefined) {
    const text = `≥ ${target.ratio.toFixed(1)}× ${comparisonName(scenario.compareWith)}${on}`;
    if (!judged) return { text, met: null };
    return { text, met: figures.ratio === undefined ? false : figures.ratio >= target.ratio };
  }
  const text = `≥ ${target.rps.toLocaleString('en-US')} req/s${on}`;
  return { text, met: judged ? figures.sentinel.rps >= target.rps : null };
}

export function judgeRss(peakMb, databaseKind) {
  const limitMb = rssLimitMb(databaseKind);
  return { text: `< ${limitMb} MB`, limitMb, met: peakMb < limitMb };
}

/** Flat: every run's peak within ±10 % of the first run's, and all under the limit. */
export function judgeSoak(peaksMb, databaseKind) {
  const limitMb = rssLimitMb(databaseKind);
  const [first] = peaksMb;
  const deviations = peaksMb.map((peak) => Math.round(((peak - first) / first) * 1000) / 10);
  const flat = deviations.every((deviation) => Math.abs(deviation) <= RSS_FLATNESS * 100);
  const under = peaksMb.every((peak) => peak < limitMb);
  return { deviationsPercent: deviations, flat, underLimit: under, limitMb, met: flat && under };
}
