// The RSS flatness check (`--soak`): the session scenario for three consecutive 20 s runs; the
// peak RSS of each must be within ±10 % of the first's and under the limit.
import { runLoad } from './load.mjs';
import { nowMicros } from './measure.mjs';
import { judgeSoak } from './targets.mjs';

export const SOAK_RUNS = 3;
export const SOAK_SECONDS = 20;
const SOAK_WARMUP_SECONDS = 10;
const log = (message) => process.stderr.write(`${message}\n`);

export async function runSoak(scenario, ctx) {
  const { options, monitor } = ctx;
  const load = () => scenario.load('sentinel', ctx);
  // A longer warm-up than the scenarios': start-up leaves buffers (the embedded database's
  // initialisation above all) that only the first major collections under load give back, and
  // that shrinking would otherwise pass for the first run's peak.
  await runLoad(load(), {
    duration: Math.max(options.warmup, SOAK_WARMUP_SECONDS),
    connections: options.connections,
  });
  const runs = [];
  for (let i = 0; i < SOAK_RUNS; i++) {
    const started = nowMicros();
    const { result, peakRssMb } = await monitor.during(() =>
      runLoad(load(), { duration: SOAK_SECONDS, connections: options.connections }),
    );
    ctx.sentinelWindows.push({
      scenario: 'soak',
      start: started,
      end: nowMicros(),
      requests: result.requests,
    });
    runs.push({
      rps: result.rps,
      p50: result.p50,
      p99: result.p99,
      errors: result.errors,
      non2xx: result.non2xx,
      peakRssMb: peakRssMb.sentinel,
    });
    log(`soak run ${i + 1}/${SOAK_RUNS}: ${result.rps} req/s, peak RSS ${peakRssMb.sentinel} MB`);
  }
  return {
    duration: SOAK_SECONDS,
    runs,
    ...judgeSoak(
      runs.map((run) => run.peakRssMb),
      ctx.database.kind,
    ),
  };
}
