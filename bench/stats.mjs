// Small statistics over the rounds of one scenario.

export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const sum = (values) => values.reduce((total, value) => total + value, 0);

/** The figures of one system over its measured rounds. */
export function summarizeRounds(rounds) {
  return {
    rps: Math.round(median(rounds.map((round) => round.rps))),
    p50: median(rounds.map((round) => round.p50)),
    p99: median(rounds.map((round) => round.p99)),
    cpuMicrosPerRequest: median(rounds.map((round) => round.cpuMicrosPerRequest)),
    databaseCpuMicrosPerRequest: median(rounds.map((round) => round.databaseCpuMicrosPerRequest)),
    errors: sum(rounds.map((round) => round.errors)),
    non2xx: sum(rounds.map((round) => round.non2xx)),
    unexpected: sum(rounds.map((round) => round.unexpected)),
    peakRssMb: Math.max(...rounds.map((round) => round.peakRssMb ?? 0)),
    rounds: rounds.map((round) => round.rps),
    requests: sum(rounds.map((round) => round.requests)),
  };
}

export const ratio = (a, b) => (b > 0 ? Math.round((a / b) * 100) / 100 : undefined);
