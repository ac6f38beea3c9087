// CPU time a process has used (user + system, all threads), from /proc/<pid>/stat. Divided by
// the requests a run served, it is the cost of one request, which a busy shared machine inflates
// far less than it does req/s or a profile's wall-clock samples.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Milliseconds of CPU used so far by `pid`, or undefined when it is gone (or not Linux). */
export function cpuMillis(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

/** CPU milliseconds per pid, for a set of processes. */
export function snapshot(pids) {
  return new Map(pids.map((pid) => [pid, cpuMillis(pid)]).filter(([, ms]) => ms !== undefined));
}

/** CPU used between two snapshots; a process that appeared in between counts from zero. */
export function usedBetween(before, after) {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
