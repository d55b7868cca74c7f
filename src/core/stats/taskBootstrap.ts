// The task bootstrap for statistics that are not means over tasks (calibration, AURC, the confusion
// rates: pooled over samples). A resample is a multiset of tasks; such a statistic is recomputed with
// every sample of a task counted as often as the task was drawn. The draws are GapBootstrap's — the
// same generator, seed and order — so these intervals rest on exactly the resamples of the gap's.
import { percentileInterval, Resampler, type BootstrapOptions, type CountedResamples } from './bootstrap';
import type { Interval } from './types';

/**
 * Writes the statistics of one resample into `out` (NaN where a statistic is undefined in that
 * resample: it is left out of that interval). counts[t] = how often task t was drawn.
 */
export type ResampleStatistics = (counts: Int32Array, out: Float64Array) => void;

/** Draws resamples a few at a time (the panel must not block), like GapBootstrap, bit for bit the same draws. */
export class TaskBootstrap implements CountedResamples {
  private readonly resampler: Resampler;
  private readonly out: Float64Array;
  /** values[s] holds statistic s of every resample where it is defined, in draw order. */
  private readonly values: Float64Array[];
  private readonly defined: Int32Array;
  private drawn = 0;
  /** Resamples another thread evaluates, and the most values per statistic addValues may still bring. */
  private skipped = 0;

  constructor(
    readonly tasks: number,
    statistics: number,
    private readonly evaluate: ResampleStatistics,
    private readonly options: BootstrapOptions,
  ) {
    this.resampler = new Resampler(tasks, options);
    this.out = new Float64Array(statistics);
    this.values = Array.from({ length: statistics }, () => new Float64Array(options.resamples));
    this.defined = new Int32Array(statistics);
  }

  get done(): boolean {
    return this.drawn === this.options.resamples;
  }

  /** Draws up to `count` more resamples; returns done. */
  advance(count: number): boolean {
    this.resampler.advance(count, [], [this]);
    return this.done;
  }

  addResample(counts: Int32Array): void {
    const { out } = this;
    out.fill(Number.NaN);
    this.evaluate(counts, out);
    for (let s = 0; s < out.length; s++) {
      const v = out[s] as number;
      if (v !== v) continue;
      const at = this.defined[s] as number;
      (this.values[s] as Float64Array)[at] = v;
      this.defined[s] = at + 1;
    }
    this.drawn++;
  }

  skipResample(): void {
    this.drawn++;
    this.skipped++;
  }

  /** Per statistic, its values of the resamples evaluated here, in draw order (what addValues takes). */
  definedValues(): Float64Array[] {
    return this.values.map((values, s) => values.slice(0, this.defined[s] as number));
  }

  /**
   * The skipped resamples' values, from a bootstrap of the same statistics over the same draws on
   * another thread (its definedValues()). The intervals sort the values, so the order in which they
   * arrive changes nothing: they are the intervals of evaluating every resample here, bit for bit.
   */
  addValues(values: readonly Float64Array[]): void {
    if (values.length !== this.values.length || values.some((v) => v.length > this.skipped)) {
      throw new RangeError(`values of ${values.length} statistics do not fit ${this.values.length} statistics of ${this.skipped} skipped resamples`);
    }
    values.forEach((v, s) => {
      (this.values[s] as Float64Array).set(v, this.defined[s] as number);
      this.defined[s] = (this.defined[s] as number) + v.length;
    });
    this.skipped = 0;
  }

  /**
   * The percentile intervals, once every resample is drawn. A statistic whose point estimate is null
   * (not measured, or undefined) has none, nor one that no resample defines; 0 resamples give [point, point].
   */
  intervals(points: readonly (number | null)[]): (Interval | null)[] {
    if (!this.done) throw new Error(`the bootstrap has drawn ${this.drawn} of ${this.options.resamples} resamples`);
    return points.map((point, s) => {
      if (point === null) return null;
      if (this.options.resamples === 0) return [point, point];
      const defined = this.defined[s] as number;
      return defined === 0 ? null : percentileInterval((this.values[s] as Float64Array).subarray(0, defined), this.options.level);
    });
  }
}

/** All resamples at once. */
export function bootstrapStatistics(
  tasks: number,
  evaluate: ResampleStatistics,
  points: readonly (number | null)[],
  options: BootstrapOptions,
): (Interval | null)[] {
  const bootstrap = new TaskBootstrap(tasks, points.length, evaluate, options);
  bootstrap.advance(options.resamples);
  return bootstrap.intervals(points);
}
