// Percentile-bootstrap confidence intervals over tasks. Tasks are the independent units: a task's
// samples share a prompt, so they are resampled together — via the per-task J values computed once.
import { linearQuantile } from '../filter/quantile';
import { UserError } from '../util/errors';
import { createRng, type BatchRng, type Rng } from '../util/random';
import type { Interval } from './types';

export interface BootstrapOptions {
  /** Number of resamples; 0 gives the degenerate interval [point, point]. */
  resamples: number;
  seed: number;
  /** Coverage, e.g. 0.95. */
  level: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 1000, seed: 0, level: 0.95 };

/** The point estimates; null ones (not measured: nothing scored) get no interval. */
export interface GapPoint {
  accuracy: number;
  filteredAccuracy: number | null;
  gap: number | null;
  relativeGap: number | null;
}

export interface GapIntervals {
  accuracy: Interval;
  /** null exactly when the point estimate is null (not measured). */
  filteredAccuracy: Interval | null;
  gap: Interval | null;
  /** null when the point estimate is null, or when no resample contains a task with J(f|x) < 1. */
  relativeGap: Interval | null;
}

/**
 * Per-task inputs: accuracy[t] = J(f|x_t), filtered[t] = J(f[w]|x_t), relative[t] = the task's relative-gap
 * term or NaN when J(f|x_t) = 1. A statistic whose point estimate is null has no interval (the resamples
 * are drawn all the same, so the other intervals do not depend on it). Each resample draws T tasks with replacement (createRng(seed)) and
 * recomputes the means, the gap and the relative gap over the drawn tasks with J < 1 (resamples without
 * one are left out of that interval). The interval is the (1−level)/2 and (1+level)/2 quantiles of the
 * resampled values, numpy-linear as everywhere else.
 */
export function bootstrapGap(
  accuracy: Float64Array,
  filtered: Float64Array,
  relative: Float64Array,
  point: GapPoint,
  options: BootstrapOptions,
): GapIntervals {
  const bootstrap = new GapBootstrap(accuracy, filtered, relative, point, options);
  bootstrap.advance(options.resamples);
  return bootstrap.intervals();
}

/** Resamples per step of a bootstrap drawn in slices: about 10^4 draws, well under a millisecond. */
export function resamplesPerStep(tasks: number): number {
  return Math.max(1, Math.floor(10_000 / Math.max(1, tasks)));
}

/**
 * bootstrapGap a few resamples at a time, for a caller that must not block for the whole of it (the
 * panel draws 1000 resamples over 10^4 tasks between user inputs). The resamples are drawn in the same
 * order from the same generator, so the intervals are bootstrapGap's, bit for bit, however the draws
 * are split. A report draws it together with its other bootstraps (Resampler): the same draws, once.
 */
export class GapBootstrap implements TaskMeans {
  private readonly resampler: Resampler;
  private readonly accuracy: Float64Array;
  private readonly filtered: Float64Array;
  /** The tasks with a relative term (J(f|x) < 1), ascending, and their terms: the relative gap reads only these. */
  private readonly relativeTasks: Int32Array;
  private readonly relativeTerms: Float64Array;
  private readonly accuracies: Float64Array;
  private readonly filteredAccuracies: Float64Array;
  private readonly gaps: Float64Array;
  private readonly relativeGaps: Float64Array;
  private drawn = 0;
  private relativeDefined = 0;

  constructor(
    accuracy: Float64Array,
    filtered: Float64Array,
    relative: Float64Array,
    private readonly point: GapPoint,
    private readonly options: BootstrapOptions,
  ) {
    if (filtered.length !== accuracy.length || relative.length !== accuracy.length) {
      throw new RangeError(`per-task arrays of ${accuracy.length}, ${filtered.length} and ${relative.length} tasks`);
    }
    this.resampler = new Resampler(accuracy.length, options);
    this.accuracy = accuracy;
    this.filtered = filtered;
    let defined = 0;
    for (let t = 0; t < relative.length; t++) if (relative[t] === relative[t]) defined++;
    this.relativeTasks = new Int32Array(defined);
    this.relativeTerms = new Float64Array(defined);
    for (let t = 0, i = 0; t < relative.length; t++) {
      const r = relative[t] as number;
      if (r !== r) continue;
      this.relativeTasks[i] = t;
      this.relativeTerms[i++] = r;
    }
    this.accuracies = new Float64Array(options.resamples);
    this.filteredAccuracies = new Float64Array(options.resamples);
    this.gaps = new Float64Array(options.resamples);
    this.relativeGaps = new Float64Array(options.resamples);
  }

  get tasks(): number {
    return this.accuracy.length;
  }

  /** All resamples drawn: intervals() is ready. */
  get done(): boolean {
    return this.drawn === this.options.resamples;
  }

  /** Draws up to `count` more resamples; returns done. */
  advance(count: number): boolean {
    this.resampler.advance(count, [this], []);
    return this.done;
  }

  /**
   * The sums run over the tasks in task order, each drawn task's values times how often it was drawn
   * (docs/statistics.md, "the sums of a resample"): floating-point addition is not associative, so
   * that order is what makes the intervals reproducible bit for bit. Reading the tasks in order, not
   * as drawn, keeps the time linear past the cache (stats-scale: exponent 1.01 from 10^5 to 10^6
   * tasks, against 1.53 for reading a record per draw).
   */
  addResample(counts: Int32Array): void {
    const { accuracy, filtered, relativeTasks, relativeTerms } = this;
    const tasks = accuracy.length;
    let sumAccuracy = 0;
    let sumFiltered = 0;
    for (let t = 0; t < tasks; t++) {
      const m = counts[t] as number;
      // A task not drawn adds nothing, not even a NaN of its own.
      if (m === 0) continue;
      sumAccuracy += m * (accuracy[t] as number);
      sumFiltered += m * (filtered[t] as number);
    }
    let sumRelative = 0;
    let drawnRelative = 0;
    for (let i = 0; i < relativeTasks.length; i++) {
      const m = counts[relativeTasks[i] as number] as number;
      if (m === 0) continue;
      sumRelative += m * (relativeTerms[i] as number);
      drawnRelative += m;
    }
    const b = this.drawn++;
    const a = sumAccuracy / tasks;
    const f = sumFiltered / tasks;
    this.accuracies[b] = a;
    this.filteredAccuracies[b] = f;
    this.gaps[b] = f - a;
    if (drawnRelative > 0) this.relativeGaps[this.relativeDefined++] = sumRelative / drawnRelative;
  }

  /** The intervals of the resamples; once every resample is drawn (0 resamples: the degenerate [point, point]). */
  intervals(): GapIntervals {
    if (!this.done) throw new Error(`the bootstrap has drawn ${this.drawn} of ${this.options.resamples} resamples`);
    const { point, relativeDefined } = this;
    if (this.options.resamples === 0) {
      const at = (v: number | null): Interval | null => (v === null ? null : [v, v]);
      return {
        accuracy: [point.accuracy, point.accuracy],
        filteredAccuracy: at(point.filteredAccuracy),
        gap: at(point.gap),
        relativeGap: at(point.relativeGap),
      };
    }
    const interval = (values: Float64Array): Interval => percentileInterval(values, this.options.level);
    return {
      accuracy: interval(this.accuracies),
      filteredAccuracy: point.filteredAccuracy === null ? null : interval(this.filteredAccuracies),
      gap: point.gap === null ? null : interval(this.gaps),
      relativeGap: point.relativeGap === null || relativeDefined === 0 ? null : interval(this.relativeGaps.subarray(0, relativeDefined)),
    };
  }
}

/** What bootstrapGap takes: the per-task values and the point estimates. */
export interface GapInputs {
  accuracy: Float64Array;
  filtered: Float64Array;
  relative: Float64Array;
  point: GapPoint;
}

/** GapBootstraps over the same tasks, to be drawn together (Resampler), each the one its inputs make alone. */
export function gapBootstraps(inputs: readonly GapInputs[], options: BootstrapOptions): GapBootstrap[] {
  return inputs.map(({ accuracy, filtered, relative, point }) => new GapBootstrap(accuracy, filtered, relative, point, options));
}

/**
 * One draw of the task bootstrap: a task index ⌊u·T⌋ with u = rng.next(). Every statistic with an
 * interval draws through this, from createRng(seed), T draws per resample, so all of a report's
 * intervals rest on the same resamples.
 */
export function drawTask(rng: Rng, tasks: number): number {
  return Math.floor(rng.next() * tasks);
}

/** Draws per batch: 4 KiB of indices, which stay in the first-level cache. */
export const DRAW_BATCH = 1024;

/** The next `count` draws (drawTask, in order) into out[0 … count−1], generated a batch at a time (createRng's fill). */
export function drawTasks(rng: BatchRng, tasks: number, out: Int32Array, count: number): void {
  for (let from = 0; from < count; from += DRAW_BATCH) {
    const batch = Math.min(DRAW_BATCH, count - from);
    rng.fill(uniforms, batch);
    for (let i = 0; i < batch; i++) out[from + i] = Math.floor((uniforms[i] as number) * tasks);
  }
}

/** drawTasks' scratch: the generator's numbers of a batch, before they become task indices (drawTask's ⌊u·T⌋). */
const uniforms = new Float64Array(DRAW_BATCH);

/** A bootstrap statistic that is a mean over the drawn tasks: it takes every resample, as multiplicities. */
export interface TaskMeans {
  readonly tasks: number;
  readonly done: boolean;
  /** One resample: counts[t] = how often task t was drawn. */
  addResample(counts: Int32Array): void;
}

/** A bootstrap statistic of the multiset of drawn tasks that another thread may evaluate instead (a mean takes every resample). */
export interface CountedResamples extends TaskMeans {
  /** One resample that another thread evaluates (ResampleClaims): counted as drawn, its values added later. */
  skipResample(): void;
}

/**
 * Which resamples this thread evaluates for the counted statistics when another thread evaluates the
 * others (sharedResamples.ts). Asked once per resample, in draw order; the means take every resample.
 */
export interface ResampleClaims {
  claim(resample: number): boolean;
}

/**
 * The task bootstrap's draws, resample after resample: T draws each (drawTasks, from createRng(seed)).
 * A report's bootstraps all rest on these draws; drawn together (one advance for all of them) each
 * resample is drawn once and handed to every one, instead of once per statistic. Each sees exactly the
 * draws it would make alone, in the same order, so the intervals are the same, bit for bit.
 * A resample costs O(T) here, plus what the statistics do with it.
 */
export class Resampler {
  private readonly rng: BatchRng;
  private readonly draws = new Int32Array(DRAW_BATCH);
  private counts: Int32Array | null = null;
  private drawn = 0;

  constructor(
    readonly tasks: number,
    private readonly options: BootstrapOptions,
  ) {
    validateBootstrap(options);
    this.rng = createRng(options.seed);
  }

  get done(): boolean {
    return this.drawn === this.options.resamples;
  }

  /**
   * Draws up to `count` more resamples for statistics that have drawn as many resamples as this
   * resampler (each made with its options), over its tasks; returns done. With `claims`, the counted
   * statistics evaluate only the resamples claimed here and skip the rest.
   */
  advance(count: number, means: readonly TaskMeans[], counted: readonly CountedResamples[], claims?: ResampleClaims): boolean {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`cannot draw ${count} resamples`);
    const { rng, draws, tasks } = this;
    const end = Math.min(this.options.resamples, this.drawn + count);
    if (end === this.drawn) return this.done;
    for (const statistic of [...means, ...counted]) {
      if (statistic.tasks !== tasks || statistic.done) throw new RangeError(`a statistic of ${statistic.tasks} tasks${statistic.done ? ', drawn in full,' : ''} cannot take resamples of ${tasks} tasks`);
    }
    const counts = means.length + counted.length === 0 ? null : (this.counts ??= new Int32Array(tasks));
    for (let b = this.drawn; b < end; b++) {
      // Asked once per resample, in draw order, when there are counted statistics to evaluate.
      const evaluated = counted.length > 0 && (claims?.claim(b) ?? true);
      const counting = counts !== null && (means.length > 0 || evaluated) ? counts : null;
      counting?.fill(0);
      for (let from = 0; from < tasks; from += DRAW_BATCH) {
        const batch = Math.min(DRAW_BATCH, tasks - from);
        drawTasks(rng, tasks, draws, batch);
        if (counting !== null) {
          for (let i = 0; i < batch; i++) {
            const t = draws[i] as number;
            counting[t] = (counting[t] as number) + 1;
          }
        }
      }
      if (counting !== null) for (const statistic of means) statistic.addResample(counting);
      for (const statistic of counted) {
        if (evaluated && counting !== null) statistic.addResample(counting);
        else statistic.skipResample();
      }
    }
    this.drawn = end;
    return this.done;
  }
}

/** The (1−level)/2 and (1+level)/2 numpy-linear quantiles of the resampled values (sorts them in place). */
export function percentileInterval(values: Float64Array, level: number): Interval {
  const alpha = (1 - level) / 2;
  values.sort();
  return [linearQuantile(values, alpha), linearQuantile(values, 1 - alpha)];
}

export function validateBootstrap({ resamples, seed, level }: BootstrapOptions): void {
  if (!Number.isSafeInteger(resamples) || resamples < 0) {
    throw new UserError(`Invalid bootstrap resamples ${resamples}: use an integer ≥ 0 (0 turns the bootstrap off).`, 2);
  }
  if (!Number.isFinite(seed)) throw new UserError(`Invalid bootstrap seed ${seed}: use a finite number.`, 2);
  if (!(level > 0 && level < 1)) throw new UserError(`Invalid confidence level ${level}: use a number between 0 and 1, e.g. 0.95.`, 2);
}
