// The results of a run: the console table, the README's Markdown, and the JSON file.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machineLine } from './machine.mjs';
import { comparisonName, RSS_FLATNESS, RSS_LIMITS_MB } from './targets.mjs';

export const RESULTS_DIR = new URL('./results/', import.meta.url);

const verdict = (met) => (met === null ? 'n/a' : met ? 'yes' : 'NO');
const num = (value) => (value === undefined ? '—' : value.toLocaleString('en-US'));
const ms = (value) => (value === undefined ? '—' : String(value));
/** CPU µs per request of the server process, plus its database backends' on PostgreSQL. */
const cpu = (figures) =>
  figures.cpuMicrosPerRequest === undefined
    ? '—'
    : `${num(figures.cpuMicrosPerRequest)}` +
      (figures.databaseCpuMicrosPerRequest === undefined
        ? ''
        : ` + ${num(figures.databaseCpuMicrosPerRequest)} db`);

/** Writes bench/results/<timestamp>-<kind>.json; answers its path. */
export async function writeResults(results) {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const file = join(RESULTS_DIR.pathname, `${stamp}-${results.kind}-${results.database.kind}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

function textTable(header, rows) {
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => String(row[i]).length)),
  );
  const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join(
    '\n',
  );
}

function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The console table: every system of every scenario, then the verdicts. */
export function formatTable(results) {
  const rows = [];
  for (const scenario of results.scenarios) {
    const systems = [
      ['sentinel', scenario.sentinel],
      [scenario.compareWith, scenario.comparison],
    ];
    for (const [system, figures] of systems) {
      if (!figures && system && scenario.comparisonUnavailable) {
        rows.push(['', comparisonName(system), 'n/a', ...Array(10).fill('')]);
      }
      if (!figures) continue;
      rows.push([
        system === 'sentinel' ? scenario.name : '',
        system === 'sentinel' ? 'Sentinel' : comparisonName(system),
        num(figures.rps),
        figures.rounds.map(num).join(' / '),
        ms(figures.p50),
        ms(figures.p99),
        num(figures.errors),
        num(figures.non2xx),
        num(figures.unexpected),
        num(figures.peakRssMb),
        cpu(figures),
        system === 'sentinel' && scenario.ratio !== undefined ? `${scenario.ratio}×` : '',
        system === 'sentinel' && scenario.target
          ? `${scenario.verdict.text}: ${verdict(scenario.verdict.met)}`
          : '',
      ]);
    }
  }
  const header = [
    'scenario',
    'system',
    'req/s',
    'rounds',
    'p50 ms',
    'p99 ms',
    'errors',
    'non-2xx',
    'unexpected',
    'RSS MB',
    'CPU µs/req',
    'ratio',
    'target',
  ];
  const notes = results.scenarios
    .filter((scenario) => scenario.comparisonUnavailable)
    .map(
      (scenario) =>
        `${scenario.name}: no ${comparisonName(scenario.compareWith)} on this database (${scenario.comparisonUnavailable})`,
    );
  const peaks = Object.entries(results.peakRssMb)
    .map(([name, mb]) => `${name} ${mb} MB`)
    .join(', ');
  return [
    textTable(header, rows),
    '',
    ...notes,
    `Peak RSS over the whole run (start-up included): ${peaks}; Sentinel ${results.rss.text}: ${verdict(results.rss.met)}`,
    `Machine: ${machineLine(results.machine)}; ${results.database.description}; load average at start ${results.machine.loadAverageAtStart.join(' / ')}`,
  ].join('\n');
}

/** The README's "compared with" cell: the comparison's figures, or why it did not run. */
function comparedWith(scenario) {
  const name = comparisonName(scenario.compareWith);
  if (scenario.comparison) {
    return `${name}: ${num(scenario.comparison.rps)} req/s, ${cpu(scenario.comparison)} µs`;
  }
  return scenario.comparisonUnavailable ? `${name}: n/a (${scenario.comparisonUnavailable})` : '—';
}

/** The README's table for one scenarios run. */
export function scenariosMarkdown(results) {
  const { options } = results;
  const rows = results.scenarios.map((scenario) => [
    `\`${scenario.name}\` ${scenario.title}`,
    num(scenario.sentinel.rps),
    `${ms(scenario.sentinel.p50)} / ${ms(scenario.sentinel.p99)}`,
    cpu(scenario.sentinel),
    comparedWith(scenario),
    scenario.ratio === undefined ? '—' : `${scenario.ratio}×`,
    scenario.verdict.text,
    verdict(scenario.verdict.met),
  ]);
  rows.push([
    'peak RSS of Sentinel (whole run)',
    `${results.peakRssMb.sentinel} MB`,
    '',
    '',
    '',
    '',
    results.rss.text,
    verdict(results.rss.met),
  ]);
  const header = [
    'scenario',
    'Sentinel req/s',
    'p50 / p99 ms',
    'CPU µs/req',
    'compared with',
    'ratio',
    'target',
    'holds',
  ];
  const unexpected = results.scenarios.filter((scenario) => scenario.sentinel.unexpected > 0);
  const notes = unexpected.map(
    (scenario) =>
      `\`${scenario.name}\`: ${scenario.sentinel.unexpected} responses other than ${scenario.expectedStatus}.`,
  );
  return [
    `**${results.database.description}** — ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC, ` +
      `${options.connections} connections, ${options.rounds} rounds of ${options.duration} s per system ` +
      `(medians), systems alternating; load average at start ${results.machine.loadAverageAtStart.join(' / ')}. ` +
      'CPU µs/req: CPU time of the server process (all threads) per request' +
      (results.database.kind === 'postgres' ? ', + that of its PostgreSQL backends' : '') +
      '.',
    '',
    markdownTable(header, rows),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}

/** The README's lines for one soak run. */
export function soakMarkdown(results) {
  const { soak } = results;
  const runs = soak.runs
    .map(
      (run, i) =>
        `${run.peakRssMb} MB (${num(run.rps)} req/s${i ? `, ${soak.deviationsPercent[i] > 0 ? '+' : ''}${soak.deviationsPercent[i]} %` : ''})`,
    )
    .join(', ');
  return (
    `**RSS flatness** (${results.database.description}, \`--soak\`, ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC): ` +
    `\`session\` for three consecutive ${soak.duration} s runs, peak RSS ${runs}; ` +
    `within ±${RSS_FLATNESS * 100} %: ${verdict(soak.flat)}, under ${soak.limitMb ?? RSS_LIMITS_MB.postgres} MB: ${verdict(soak.underLimit)}.`
  );
}
