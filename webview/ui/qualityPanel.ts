// Runs the verifier-quality and any-N statistics of the panel's current filter result in slices
// (deferred: never before the first paint of new numbers) and shows them as each part is ready. A new
// filter result stops the work for the old one, as the gap's own bootstrap does.
import { formatFilter } from '../../src/core/filter/parse';
import type { ScoreSelector } from '../../src/core/filter/spec';
import type { BootstrapOptions } from '../../src/core/stats/bootstrap';
import type { RunStateParams } from '../../src/protocol/panelProtocol';
import type { FilterResult, KCurves, SelectorResult } from '../model/analysis';
import type { Dataset } from '../model/dataset';
import { NOTHING_COMPUTED, QualityJob } from '../model/quality';
import { runInSlices, type SlicedJob, type SliceScheduler } from '../model/slices';
import { QualityView } from './qualityView';

export interface QualityContext {
  ds: Dataset;
  sel: SelectorResult;
  fr: FilterResult;
  /** The run's configured verifiers and those its records name, besides the ones with scores. */
  verifiers: readonly string[];
  runState: RunStateParams | null;
  /** pass@k, pass^k and best-of-k of (ds, sel), computed on first use. */
  curves: () => KCurves;
  /** Why there are no statistics at all (nothing graded), or null. */
  noStatistics: string | null;
}

export class QualityPanel {
  private readonly view = new QualityView();
  private context: QualityContext | null = null;
  /** The job of the filter result it computes (kept when done: nothing to recompute for it). */
  private job: { fr: FilterResult; job: QualityJob; slices: SlicedJob | null } | null = null;
  /** What was painted last, to skip repainting the same. */
  private painted: unknown[] = [];

  constructor(
    private readonly slices: SliceScheduler,
    private readonly bootstrap: BootstrapOptions,
  ) {}

  get element(): HTMLElement {
    return this.view.element;
  }

  /** The panel's current data and filter (every render): stops work for another filter result and shows what there is. */
  show(context: QualityContext | null): void {
    this.context = context;
    if (this.job && this.job.fr !== context?.fr) {
      this.job.slices?.cancel();
      this.job = null;
    }
    this.paint();
  }

  /** Starts computing for the current filter result, unless that is under way or done. */
  compute(): void {
    const context = this.context;
    if (!context || this.job || context.noStatistics !== null || !hasSelector(context.fr)) return;
    const { ds, sel, fr, verifiers } = context;
    const job = new QualityJob({ ds, sel, fr, verifiers, bootstrap: this.bootstrap }, () => this.paint());
    const running: NonNullable<QualityPanel['job']> = { fr, job, slices: null };
    this.job = running;
    running.slices = runInSlices(
      () => job.step(),
      () => (running.slices = null),
      this.slices,
    );
  }

  private paint(): void {
    const context = this.context;
    const state = this.job?.job.state ?? NOTHING_COMPUTED;
    const parts = [context?.fr, context?.runState, context?.noStatistics, state];
    if (parts.length === this.painted.length && parts.every((part, i) => part === this.painted[i])) return;
    this.painted = parts;
    if (!context) return this.view.update('No run yet.');
    if (context.noStatistics !== null) return this.view.update(context.noStatistics);
    const { fr } = context;
    if (!hasSelector(fr)) return this.view.update('Not measured: the run has no verifier to filter by.');
    this.view.update({
      state,
      selector: fr.selector,
      filter: formatFilter(fr.filter),
      runState: context.runState,
      accuracy: fr.stats?.accuracy ?? Number.NaN,
      curves: context.curves,
      level: this.bootstrap.level,
    });
  }
}

function hasSelector(fr: FilterResult): fr is FilterResult & { selector: ScoreSelector } {
  return fr.selector !== null;
}
