// Resident memory of the servers under test, sampled every 200 ms from /proc/<pid>/status
// (VmRSS, and VmHWM: the kernel's own high-water mark), or `ps -o rss=` where /proc is missing.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const toMb = (kb) => Math.round((kb / 1024) * 10) / 10;

/** { rssKb, hwmKb } of a live process, or undefined once it is gone. */
export function readMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
  } catch {
    try {
      const rssKb = Number(
        execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
          .toString()
          .trim(),
      );
      return Number.isFinite(rssKb) && rssKb > 0 ? { rssKb, hwmKb: rssKb } : undefined;
    } catch {
      return undefined;
    }
  }
}

export class RssMonitor {
  #pids = new Map();
  #windows = new Set();
  #overall = new Map();
  #timer;

  constructor(intervalMs = 200) {
    this.intervalMs = intervalMs;
  }

  watch(name, pid) {
    this.#pids.set(name, pid);
    this.#sample();
  }

  start() {
    this.#timer ??= setInterval(() => this.#sample(), this.intervalMs);
    this.#timer.unref();
  }

  stop() {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #sample() {
    for (const [name, pid] of this.#pids) {
      const memory = readMemory(pid);
      if (!memory) continue;
      this.#overall.set(name, Math.max(this.#overall.get(name) ?? 0, memory.rssKb, memory.hwmKb));
      for (const window of this.#windows) {
        window.set(name, Math.max(window.get(name) ?? 0, memory.rssKb));
      }
    }
  }

  /** Runs `work` and returns its result with each process's peak RSS (MB) while it ran. */
  async during(work) {
    const window = new Map();
    this.#windows.add(window);
    this.#sample();
    try {
      const result = await work();
      this.#sample();
      return { result, peakRssMb: Object.fromEntries([...window].map(([n, kb]) => [n, toMb(kb)])) };
    } finally {
      this.#windows.delete(window);
    }
  }

  /** Each process's peak RSS (MB) since it started, start-up included. */
  overallPeaksMb() {
    this.#sample();
    return Object.fromEntries([...this.#overall].map(([name, kb]) => [name, toMb(kb)]));
  }
}
