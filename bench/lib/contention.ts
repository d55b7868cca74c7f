// How much of the machine other work took while a benchmark ran: CPU time of the whole machine
// (/proc/stat) minus that of the driver and every process it started and reaped (/proc/self/stat
// counts reaped descendants: servers, clients, promptfoo's own children, strace). Numbers measured
// next to other busy processes on a 2-core machine are not this code's numbers, so every result says.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Contention {
  wallS: number;
  /** CPU seconds the whole machine was busy (Linux /proc/stat), null elsewhere. */
  machineBusyCpuS: number | null;
  /** CPU seconds of the driver and the processes it started; null without /proc. */
  ownCpuS: number | null;
  /** machineBusyCpuS − ownCpuS, as a share of all cores over the wall time; null if unknown. */
  othersShare: number | null;
}

/** USER_HZ: the unit of /proc CPU times, 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

export interface ContentionProbe {
  finish(): Contention;
}

export function startContentionProbe(): ContentionProbe {
  const t0 = performance.now();
  const busy0 = machineBusyS();
  const own0 = ownS();
  return {
    finish: (): Contention => {
      const wallS = (performance.now() - t0) / 1000;
      const busy1 = machineBusyS();
      const own1 = ownS();
      const machineBusyCpuS = busy0 === null || busy1 === null ? null : busy1 - busy0;
      const ownCpuS = own0 === null || own1 === null ? null : own1 - own0;
      const othersShare = machineBusyCpuS === null || ownCpuS === null ? null : Math.max(0, machineBusyCpuS - ownCpuS) / (wallS * os.availableParallelism());
      return { wallS, machineBusyCpuS, ownCpuS, othersShare };
    },
  };
}

/** CPU seconds of this process plus its reaped descendants (utime, stime, cutime, cstime). */
function ownS(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Non-idle CPU seconds since boot, summed over cores; null when /proc/stat is not there. */
function machineBusyS(): number | null {
  try {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: idle and iowait are not busy.
    const busy = fields.reduce((s, x, i) => (i === 3 || i === 4 ? s : s + x), 0);
    return busy / CLOCK_TICKS;
  } catch {
    return null;
  }
}
