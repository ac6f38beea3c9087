// npm run bench: Sentinel against bare baselines in the same run (issue 7). See USAGE in
// options.mjs and the README's Performance section.
import { describeMachine } from './machine.mjs';
import { measureScenario } from './measure.mjs';
import { parseOptions, USAGE } from './options.mjs';
import { formatProfileSummary, summarizeProfile } from './profile-summary.mjs';
import { isPlainRun, updateReadme } from './readme.mjs';
import { formatTable, scenariosMarkdown, soakMarkdown, writeResults } from './report.mjs';
import { login, RefreshTokenPool, registerUsers } from './fixtures.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { runSoak } from './soak.mjs';
import { startSystems } from './systems.mjs';
import { judgeRss } from './targets.mjs';

const log = (message) => process.stderr.write(`${message}\n`);

async function measure(options, systems) {
  const selected = SCENARIOS.filter((scenario) => options.scenarios.includes(scenario.name));
  const sentinelUrl = systems.servers.sentinel.url;
  // Login goes round-robin over many users; the other scenarios need only a few.
  const needsManyUsers = options.scenarios.includes('login');
  log(`registering ${needsManyUsers ? options.users : 10} users…`);
  const users = await registerUsers(sentinelUrl, needsManyUsers ? options.users : 10);
  const ctx = {
    ...systems,
    options,
    users,
    refreshTokens: new RefreshTokenPool(sentinelUrl, users),
    // When Sentinel was under measured load: the profile summary keeps these samples only.
    sentinelWindows: [],
  };
  if (options.soak) {
    ctx.accessToken = (await login(sentinelUrl, users[0])).accessToken;
    return { kind: 'soak', soak: await runSoak(selected[0], ctx), windows: ctx.sentinelWindows };
  }
  const scenarios = [];
  for (const scenario of selected) {
    // A fresh access token per scenario: a long run must not outlive its 15 minutes.
    ctx.accessToken = (await login(sentinelUrl, users[0])).accessToken;
    scenarios.push(await measureScenario(scenario, ctx));
  }
  return { kind: 'scenarios', scenarios, windows: ctx.sentinelWindows };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const systems = await startSystems({
    baseline:
      !options.soak && options.scenarios.some((name) => ['session', 'unauthorized'].includes(name)),
    argon2: !options.soak && options.scenarios.includes('login'),
    lookup: !options.soak && options.scenarios.includes('users-me'),
    cpuProf: options.cpuProf,
    nodeArgs: options.nodeArgs,
  });
  log(`database: ${systems.database.description}`);
  const interrupted = () => {
    log('interrupted: stopping the servers and dropping the database');
    systems.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  let measured;
  let peakRssMb;
  try {
    measured = await measure(options, systems);
    peakRssMb = systems.monitor.overallPeaksMb();
  } finally {
    process.removeListener('SIGINT', interrupted);
    await systems.close();
  }

  const { windows, ...figures } = measured;
  const results = {
    kind: figures.kind,
    startedAt,
    finishedAt: new Date().toISOString(),
    options: {
      duration: options.duration,
      connections: options.connections,
      rounds: options.rounds,
      warmup: options.warmup,
      users: options.users,
      cpuProf: options.cpuProf,
      nodeArgs: options.nodeArgs,
    },
    machine,
    database: { kind: systems.database.kind, description: systems.database.description },
    peakRssMb,
    rss: judgeRss(peakRssMb.sentinel, systems.database.kind),
    ...figures,
  };
  if (systems.profile) {
    // One summary per scenario: each has its own hot path.
    const names = [...new Set(windows.map((window) => window.scenario))];
    results.profiles = await Promise.all(
      names.map(async (name) => ({
        scenario: name,
        ...(await summarizeProfile(systems.profile, {
          windows: windows.filter((window) => window.scenario === name),
        })),
      })),
    );
  }
  const file = await writeResults(results);

  if (results.kind === 'soak') {
    console.log(soakMarkdown(results));
  } else {
    console.log(formatTable(results));
    if (options.markdown) console.log(`\n${scenariosMarkdown(results)}`);
  }
  for (const profile of results.profiles ?? []) {
    console.log(`\n${profile.scenario}: ${formatProfileSummary(profile)}`);
  }
  console.log(`\nResults: ${file}`);
  if (options.readme) {
    if (!isPlainRun(results)) log('--readme ignored: --cpu-prof or --node-args change the figures');
    else console.log(`README updated from ${(await updateReadme()).join(', ')}`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
