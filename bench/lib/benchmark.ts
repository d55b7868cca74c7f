// What every benchmark module provides, and what the driver (bench/run.ts) gives it.
import type { BuiltEntries } from './build';
import type { MachineInfo } from './machine';
import type { BenchResult } from './results';

export interface BenchContext {
  repoRoot: string;
  /** Small workloads and fewer repetitions: a smoke check, not a measurement. */
  quick: boolean;
  repetitions: number;
  built: BuiltEntries;
  machine: MachineInfo;
  /** A fresh temporary folder for this benchmark, removed after it. */
  tmpDir: string;
  log(message: string): void;
}

/**
 * The parts of a result a benchmark measures; the driver adds name, timing and machine, and the
 * repetitions asked unless the benchmark says how often it repeated (one execution at full size).
 */
export type Measured = Pick<BenchResult, 'workload' | 'commands' | 'rows' | 'targets' | 'notes'> & Partial<Pick<BenchResult, 'details' | 'repetitions'>>;

export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<Measured>;
}
