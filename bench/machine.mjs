// The machine a run was measured on, for the results and the README.
import { readFileSync } from 'node:fs';
import os from 'node:os';

function cpuModel() {
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    return /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1].trim() ?? os.cpus()[0]?.model;
  } catch {
    return os.cpus()[0]?.model;
  }
}

export function describeMachine() {
  return {
    cores: os.availableParallelism?.() ?? os.cpus().length,
    cpu: cpuModel() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
  };
}

/** The machine in one line (the database and the load are said per run). */
export const machineLine = (machine) =>
  `${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, ${machine.os}, Node ${machine.node}`;
