// Measures one scenario: a warm-up per system, then rounds alternating Sentinel and its
// comparison (A B, B A, A B…) so that drift on a shared machine hits both alike.
import { snapshot, usedBetween } from './cpu.mjs';
import { runLoad } from './load.mjs';
import { ratio, summarizeRounds } from './stats.mjs';
import { judgeScenario } from './targets.mjs';

/** After each run: let requests still queued (login's argon2 backlog) finish before the next. */
const SETTLE_MS = 1500;
/** The monotonic clock V8's profiler stamps its samples with, in microseconds. */
export const nowMicros = () => Number(process.hrtime.bigint() / 1000n);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message) => process.stderr.write(`${message}\n`);

async function runOnce(scenario, system, seconds, ctx, { measured = true } = {}) {
  await scenario.beforeRun?.(ctx);
  const { pid } = ctx.servers[system];
  // Its database backends: Sentinel's pool, or a yardstick's own (only lookup has any).
  const backends = { yardstick: system !== 'sentinel' };
  const databasePids = await ctx.database.backendPids(backends);
  const cpuBefore = snapshot([pid]);
  const databaseBefore = snapshot(databasePids);
  const started = nowMicros();
  const { result, peakRssMb } = await ctx.monitor.during(() =>
    runLoad(scenario.load(system, ctx), {
      duration: seconds,
      connections: ctx.options.connections,
    }),
  );
  const cpuMs = usedBetween(cpuBefore, snapshot([pid]));
  // The pool may have opened connections during the run: ask again, count new ones from zero.
  const databaseAfter = await ctx.database.backendPids(backends);
  const databaseCpuMs = usedBetween(databaseBefore, snapshot(databaseAfter));
  const perRequest = (ms) =>
    result.requests > 0 ? Math.round((ms * 1000) / result.requests) : undefined;
  // Measured Sentinel runs only: the profile summary leaves out warm-ups (JIT) and start-up.
  if (measured && system === 'sentinel') {
    ctx.sentinelWindows.push({
      scenario: scenario.name,
      start: started,
      end: nowMicros(),
      requests: result.requests,
    });
  }
  await sleep(SETTLE_MS);
  const responses = Object.values(result.statusCodes).reduce((a, b) => a + b, 0);
  const expected = result.statusCodes[scenario.expectedStatus] ?? 0;
  return {
    ...result,
    unexpected: responses - expected,
    peakRssMb: peakRssMb[system],
    cpuMicrosPerRequest: perRequest(cpuMs),
    databaseCpuMicrosPerRequest:
      ctx.database.kind === 'postgres' && (system === 'sentinel' || databaseAfter.length > 0)
        ? perRequest(databaseCpuMs)
        : undefined,
  };
}

export async function measureScenario(scenario, ctx) {
  const { options } = ctx;
  // A comparison that cannot run on this database (ctx.unavailable says why): Sentinel alone.
  const unavailable = ctx.unavailable?.[scenario.compareWith];
  const compareWith = unavailable ? undefined : scenario.compareWith;
  const systems = compareWith ? ['sentinel', compareWith] : ['sentinel'];
  if (unavailable)
    log(`${scenario.name}: no ${scenario.compareWith} on this database: ${unavailable}`);
  if (options.warmup > 0) {
    for (const system of systems) {
      const warm = await runOnce(scenario, system, options.warmup, ctx, { measured: false });
      log(
        `${scenario.name}: ${system} warm-up ${warm.rps} req/s, status ${JSON.stringify(warm.statusCodes)}`,
      );
      if (warm.unexpected > 0) {
        log(
          `${scenario.name}: WARNING ${warm.unexpected} responses other than ${scenario.expectedStatus} during warm-up`,
        );
      }
    }
  }
  const rounds = Object.fromEntries(systems.map((system) => [system, []]));
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? systems : [...systems].reverse();
    for (const system of order) {
      const figures = await runOnce(scenario, system, options.duration, ctx);
      rounds[system].push(figures);
      log(
        `${scenario.name}: ${system} round ${round + 1}/${options.rounds} ${figures.rps} req/s, ` +
          `p50 ${figures.p50} ms, p99 ${figures.p99} ms, errors ${figures.errors}, ` +
          `unexpected ${figures.unexpected}, CPU ${figures.cpuMicrosPerRequest} µs/request` +
          (figures.databaseCpuMicrosPerRequest === undefined
            ? ''
            : ` + database ${figures.databaseCpuMicrosPerRequest} µs`),
      );
    }
  }
  const sentinel = summarizeRounds(rounds.sentinel);
  const comparison = compareWith ? summarizeRounds(rounds[compareWith]) : undefined;
  const figures = {
    name: scenario.name,
    title: scenario.title,
    expectedStatus: scenario.expectedStatus,
    compareWith: scenario.compareWith,
    sentinel,
    comparison,
    comparisonUnavailable: unavailable,
    ratio: comparison ? ratio(sentinel.rps, comparison.rps) : undefined,
    // How many of Sentinel's requests cost the CPU of one of the comparison's (diagnostic: the
    // targets are about req/s, but this is what a busy machine distorts least).
    cpuRatio: comparison
      ? ratio(comparison.cpuMicrosPerRequest, sentinel.cpuMicrosPerRequest)
      : undefined,
    // Each round's pair measured back to back: a check that the median ratio is not a fluke.
    roundRatios: comparison
      ? rounds.sentinel.map((run, i) => ratio(run.rps, rounds[compareWith][i].rps))
      : undefined,
    target: scenario.target,
    statusCodes: Object.fromEntries(
      systems.map((system) => [system, rounds[system].map((run) => run.statusCodes)]),
    ),
  };
  return { ...figures, verdict: judgeScenario(scenario, figures, ctx.database.kind) };
}
