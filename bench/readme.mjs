// Rewrites the README's Performance figures (between the bench markers) from result files, so
// the figures always come from a run. By default: the newest scenarios run and the newest soak
// run on each database kind (runs that were profiled or given --node-args are not Sentinel as shipped).
//
// Usage: node bench/readme.mjs [bench/results/<file>.json …]   (npm run bench:readme)
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { machineLine } from './machine.mjs';
import { RESULTS_DIR, scenariosMarkdown, soakMarkdown } from './report.mjs';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Runs of Sentinel as shipped: not profiled, no extra node flags. */
export const isPlainRun = (results) =>
  !results.options?.cpuProf && !(results.options?.nodeArgs?.length > 0);

async function latestResults() {
  let names;
  try {
    names = (await readdir(RESULTS_DIR)).filter((name) => name.endsWith('.json'));
  } catch {
    names = [];
  }
  const all = await Promise.all(
    names.map(async (name) => {
      const path = join(RESULTS_DIR.pathname, name);
      return { path, results: JSON.parse(await readFile(path, 'utf8')) };
    }),
  );
  const newest = new Map();
  for (const entry of all) {
    if (!isPlainRun(entry.results)) continue;
    const key = `${entry.results.kind}-${entry.results.database.kind}`;
    const current = newest.get(key);
    if (!current || current.results.startedAt < entry.results.startedAt) newest.set(key, entry);
  }
  return [...newest.values()];
}

/** The Markdown between the markers: the machine, then one block per result file. */
export function performanceMarkdown(entries) {
  const order = (entry) =>
    (entry.results.kind === 'soak' ? 2 : 0) + (entry.results.database.kind === 'embedded' ? 0 : 1);
  const sorted = [...entries].sort((a, b) => order(a) - order(b));
  const machines = [...new Set(sorted.map((entry) => machineLine(entry.results.machine)))];
  return [
    `Measured on ${machines.join('; and on ')}, shared with other work (so compare the ratios, ` +
      'which come from one run, rather than absolute figures).',
    ...sorted.map(({ results }) =>
      results.kind === 'soak' ? soakMarkdown(results) : scenariosMarkdown(results),
    ),
  ].join('\n\n');
}

export async function updateReadme(files = []) {
  const entries = files.length
    ? await Promise.all(
        files.map(async (path) => ({ path, results: JSON.parse(await readFile(path, 'utf8')) })),
      )
    : await latestResults();
  if (entries.length === 0) throw new Error('no results in bench/results: run npm run bench first');
  const readme = await readFile(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} section`);
  const body = performanceMarkdown(entries);
  const updated = `${readme.slice(0, start + START.length)}\n\n${body}\n\n${readme.slice(end)}`;
  // Formatted as the repository's Prettier settings want it, so format:check stays clean.
  const options = { ...(await prettier.resolveConfig(README)), filepath: README };
  await writeFile(README, await prettier.format(updated, options));
  return entries.map((entry) => entry.path);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const used = await updateReadme(process.argv.slice(2));
  console.log(`README.md updated from ${used.join(', ')}`);
}
