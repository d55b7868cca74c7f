// How much of the machine other work took while a benchmark ran: CPU time of the whole machine
// (/proc/stat) minus the CPU time of the benchmark's own processes. Numbers measured next to
// other busy processes on a 2-core machine are not this code's numbers, so every result says.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { cpuOfFinishedProcesses } from './processRun';

export interface Contention {
  wallS: number;
  /** CPU seconds the whole machine was busy (Linux /proc/stat), null elsewhere. */
  machineBusyCpuS: number | null;
  /** CPU seconds of the benchmark's measured processes plus the driver itself. */
  ownCpuS: number;
  /** machineBusyCpuS − ownCpuS, as a share of all cores over the wall time; null if unknown. */
  othersShare: number | null;
}

export interface ContentionProbe {
  finish(): Contention;
}

export function startContentionProbe(): ContentionProbe {
  const t0 = performance.now();
  const busy0 = machineBusyS();
  const own0 = cpuOfFinishedProcesses();
  const driver0 = process.cpuUsage();
  return {
    finish: (): Contention => {
      const wallS = (performance.now() - t0) / 1000;
      const busy1 = machineBusyS();
      const driver = process.cpuUsage(driver0);
      const ownCpuS = (cpuOfFinishedProcesses() - own0) / 1000 + (driver.user + driver.system) / 1e6;
      const machineBusyCpuS = busy0 === null || busy1 === null ? null : busy1 - busy0;
      const othersShare = machineBusyCpuS === null ? null : Math.max(0, machineBusyCpuS - ownCpuS) / (wallS * os.availableParallelism());
      return { wallS, machineBusyCpuS, ownCpuS, othersShare };
    },
  };
}

/** Non-idle CPU seconds since boot, summed over cores; null when /proc/stat is not there. */
function machineBusyS(): number | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
    const busy = fields.reduce((s, x, i) => (i === 3 || i === 4 ? s : s + x), 0);
    return busy / 100;
  } catch {
    return null;
  }
}
