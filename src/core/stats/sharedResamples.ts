// A report's verifier-quality resamples shared with a helper thread (the CLI's worker: docs/statistics.md,
// "Cost"). Both threads draw the same resamples from the same seed; each resample's quality statistics
// are evaluated by whichever thread claims it first, so the work divides itself by speed. The helper
// sends back its values and the report's intervals are those of evaluating every resample on one
// thread, bit for bit (the same numbers, sorted before the quantiles are read). Plain typed arrays and
// Atomics only: no thread API here, so the webview's bundle of core can hold this module too.
import { Resampler, type BootstrapOptions, type ResampleClaims } from './bootstrap';
import type { LayoutMemory } from './layoutMemory';
import { HarmonicNumbers } from './riskCoverage';
import { qualityBootstrap, type QualityLayout } from './verifierQuality';

/** What the helper needs: the layouts of the scores whose quality is resampled, in the report's order. */
export interface QualityJob {
  tasks: number;
  layouts: QualityLayout[];
  bootstrap: BootstrapOptions;
  /** One Int32 per resample, shared by both threads: 0 while unclaimed, then MAIN_THREAD or HELPER_THREAD. */
  claims: SharedArrayBuffer;
}

/** Per score of the job, per statistic (QUALITY_INTERVALS), the values of the resamples the helper evaluated. */
export type QualityValues = Float64Array[][];

/** A helper thread's run of a job. */
export interface HelperRun {
  /** What runQualityJob returned there; rejects when the helper failed. */
  values: Promise<QualityValues>;
  /** Ends the helper; for a run that holds no claim, whose values the report does not need. */
  stop(): void;
}

/** Starts jobs on another thread (the CLI: reportThreads.ts). */
export interface QualityHelper {
  start(job: QualityJob): HelperRun;
}

/**
 * Memory both threads see (layoutMemory.ts): a layout made here is sent to the helper without a copy,
 * where a million samples' layouts would otherwise be copied twice (serialized, then read) per score.
 */
export const sharedMemory: LayoutMemory = (bytes) => new SharedArrayBuffer(bytes);

export const MAIN_THREAD = 1;
export const HELPER_THREAD = 2;

/** The first thread to claim a resample evaluates it. */
export class SharedClaims implements ResampleClaims {
  private readonly slots: Int32Array;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly thread: typeof MAIN_THREAD | typeof HELPER_THREAD,
  ) {
    this.slots = new Int32Array(buffer);
  }

  static buffer(resamples: number): SharedArrayBuffer {
    return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT * resamples);
  }

  claim(resample: number): boolean {
    return Atomics.compareExchange(this.slots, resample, 0, this.thread) === 0;
  }

  /** How many resamples `thread` has claimed so far. */
  held(thread: number): number {
    let held = 0;
    for (let b = 0; b < this.slots.length; b++) if (Atomics.load(this.slots, b) === thread) held++;
    return held;
  }
}

/**
 * The helper's side of a job: the quality bootstraps of its rows over every resample, evaluating those
 * it claims. O(B·T) for the draws it makes to follow the sequence, plus its share of the statistics.
 */
export function runQualityJob(job: QualityJob, claims: ResampleClaims = new SharedClaims(job.claims, HELPER_THREAD)): QualityValues {
  const harmonic = new HarmonicNumbers();
  const bootstraps = job.layouts.map((layout) => qualityBootstrap(layout, job.bootstrap, harmonic));
  new Resampler(job.tasks, job.bootstrap).advance(job.bootstrap.resamples, [], bootstraps, claims);
  return bootstraps.map((b) => b.definedValues());
}
