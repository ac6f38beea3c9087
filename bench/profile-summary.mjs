// Where the time goes in a V8 .cpuprofile (from node --cpu-prof): the top functions by self time,
// and self and inclusive time per package (node_modules/<pkg>, node:<module>, Sentinel's files).
// Percentages are of the busy time: samples that are not "(idle)". With `windows` ({ start, end }
// on the monotonic clock in µs, as V8 stamps samples, and the `requests` served), only the samples
// inside them count, and the busy time per request is given: the harness passes the times
// Sentinel was under measured load, leaving out start-up and warm-ups.
//
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N]
import { readFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT_URL = pathToFileURL(fileURLToPath(new URL('..', import.meta.url))).href;

function shortUrl(url) {
  if (!url) return '';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  return url.startsWith(ROOT_URL) ? url.slice(ROOT_URL.length) : url.replace(/^file:\/\//, '');
}

/** The package a frame belongs to: `fastify`, `@nestjs/core`, `node:internal/http`, `./dist/src/auth`… */
function packageOf({ functionName, url }) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  if (url.startsWith(ROOT_URL)) return `./${shortUrl(url).split('/').slice(0, 3).join('/')}`;
  return url;
}

const frameName = ({ functionName, url, lineNumber }) =>
  `${functionName || '(anonymous)'}${url ? ` ${shortUrl(url)}:${lineNumber + 1}` : ''}`;

function rank(map, busy, top) {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => ({
      name,
      ms: Math.round(micros / 1000),
      percent: Math.round((micros / busy) * 1000) / 10,
    }));
}

export async function summarizeProfile(file, { top = 25, windows } = {}) {
  const profile = JSON.parse(await readFile(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parents.set(child, node.id);

  // The packages on each node's stack, for inclusive time (memoised per node).
  const stackPackages = new Map();
  const packagesOn = (id) => {
    if (stackPackages.has(id)) return stackPackages.get(id);
    const parent = parents.get(id);
    const set = new Set(parent === undefined ? [] : packagesOn(parent));
    set.add(packageOf(nodes.get(id).callFrame));
    stackPackages.set(id, set);
    return set;
  };

  const selfByFunction = new Map();
  const selfByPackage = new Map();
  const inclusiveByPackage = new Map();
  const add = (map, key, micros) => map.set(key, (map.get(key) ?? 0) + micros);
  const requests = windows?.reduce((total, window) => total + (window.requests ?? 0), 0);
  let busy = 0;
  let idle = 0;
  const { samples, timeDeltas } = profile;
  const inWindow = (time) =>
    !windows || windows.some(({ start, end }) => time >= start && time <= end);
  let time = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    time += timeDeltas[i];
    if (!inWindow(time)) continue;
    // A sample lasts until the next one.
    const micros = timeDeltas[i + 1] ?? 0;
    const { callFrame } = nodes.get(samples[i]);
    if (callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    add(selfByFunction, frameName(callFrame), micros);
    add(selfByPackage, packageOf(callFrame), micros);
    for (const name of packagesOn(samples[i])) add(inclusiveByPackage, name, micros);
  }
  return {
    file,
    window: windows ? 'under measured load' : 'whole process',
    busyMs: Math.round(busy / 1000),
    idleMs: Math.round(idle / 1000),
    busyMicrosPerRequest: requests ? Math.round(busy / requests) : undefined,
    topSelf: rank(selfByFunction, busy, top),
    selfByPackage: rank(selfByPackage, busy, top),
    inclusiveByPackage: rank(inclusiveByPackage, busy, top),
  };
}

export function formatProfileSummary(summary) {
  const list = (title, rows) => [
    title,
    ...rows.map(
      (row) =>
        `  ${String(row.percent).padStart(5)} %  ${String(row.ms).padStart(7)} ms  ${row.name}`,
    ),
  ];
  return [
    `${summary.file} (${summary.window}): busy ${summary.busyMs} ms, idle ${summary.idleMs} ms` +
      (summary.busyMicrosPerRequest ? `, ${summary.busyMicrosPerRequest} µs per request` : '') +
      '; percentages are of the busy time',
    ...list('Top functions by self time:', summary.topSelf),
    ...list('Self time by package:', summary.selfByPackage),
    ...list('Inclusive time by package (on the stack):', summary.inclusiveByPackage),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, flag, value] = process.argv.slice(2);
  if (!file) {
    console.error('Usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N]');
    process.exit(2);
  }
  const top = flag === '--top' ? Number(value) : 25;
  console.log(formatProfileSummary(await summarizeProfile(file, { top })));
}
