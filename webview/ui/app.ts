// The panel controller: owns the data and the user's settings, derives everything shown from them
// (memoized by input), and wires the components to the host. Data from the host repaints at most 4
// times a second (LIVE_TIMING); a user action repaints at once; the slow parts follow in later tasks so a
// slider move never waits for them: the bootstrap intervals in slices that yield to input (restarted when
// the filter result changes), then the charts, then the verifier quality and any N (in slices too).
import { formatFilter, formatSelector } from '../../src/core/filter/parse';
import type { FilterSpec, ScoreSelector } from '../../src/core/filter/spec';
import { sampleKey } from '../../src/core/runs/sampleKey';
import type { AnnotationCause, HostNotification, PanelState, PanelView } from '../../src/protocol/panelProtocol';
import type { PanelHost } from '../hostApi';
import { DEFAULT_BOOTSTRAP, type GapBootstrap, type GapIntervals } from '../../src/core/stats/bootstrap';
import { applyFilter, gapBootstrap, gradedTaskCounts, kCurves, oracleBootstrap, resamplesPerStep, scoreSelector, verificationCurveJob, type FilterResult, type SelectorResult } from '../model/analysis';
import { filterSweep, largestTask, scoreHistogram, taskScatter } from '../model/chartData';
import { answerClusters } from '../model/clusters';
import { annotatedRows, buildDataset, findRow, type Dataset } from '../model/dataset';
import { keyAction, type KeyAction } from '../model/keyboard';
import { labelText } from '../model/labelText';
import { memoize } from '../model/memo';
import { runVerifiers } from '../model/quality';
import { restsOn, type RestsOn } from '../model/restsOn';
import { confusionWeights } from '../model/statsView';
import { isWeighted } from '../../src/core/report/weightTerms';
import { SampleStore, type StoredRow } from '../model/sampleStore';
import { runInSlices, type SlicedJob, type SliceScheduler } from '../model/slices';
import { initialSettings, toPanelState, type PanelSettings } from '../model/settings';
import { buildTableItems, disagreementOf, linesFollowFilter, nextMatching, stepSample, type TableItems } from '../model/tableView';
import { createThrottle, LIVE_TIMING, type Clock, type Throttle } from '../model/throttle';
import { AuditPart } from './auditPart';
import { ChartsPanel, type ChartsModel } from './charts';
import type { VerificationCurve } from '../../src/core/stats/verificationCurve';
import { ClusterView } from './clusterView';
import { DetailPane, type DetailModel } from './detailPane';
import { el } from './dom';
import { FilterBar, type FilterChange } from './filterBar';
import { BatchStatus } from './batchStatus';
import { EndpointStatus } from './endpointStatus';
import { QualityPanel } from './qualityPanel';
import { RestrictedNote } from './restrictedNote';
import { RunBar, type Progress } from './runBar';
import { RunActions } from './runActions';
import { SampleTable } from './sampleTable';
import { StatsHeader } from './statsHeader';

interface Derived {
  ds: Dataset;
  sel: SelectorResult;
  fr: FilterResult;
  items: TableItems;
}

/** Before a run arrives there is nothing the numbers rest on. */
const NOTHING_YET: RestsOn = { state: [], coverage: [], fewTasks: null, finiteN: null, measure: { kind: 'none' }, conclusion: null, warn: false, starting: false };

/** Input types where letters and digits are text, not shortcuts. */
const TEXT_INPUTS = new Set(['text', 'search', 'email', 'number', 'password', 'url', 'tel']);

export class PanelApp {
  private readonly store = new SampleStore();
  private settings: PanelSettings | null = null;
  private progress: Progress | null = null;
  private readonly live: Throttle;
  private readonly filterNotice: Throttle;
  private deferred = 0;
  /** Between an 'init' and the 'progress' that ends its snapshot. */
  private inSnapshot = false;
  private savedState = '';
  /** Detail requests in flight (null) or failed (the message), by sample key. */
  private readonly detailRequests = new Map<string, string | null>();
  private sentFilter = '';

  private readonly runBar: RunBar;
  private readonly runActions = new RunActions((action) => void this.host.runAction({ action }).catch((err: unknown) => this.showError(err)));
  private readonly endpoints = new EndpointStatus();
  private readonly restricted: RestrictedNote;
  private readonly batch = new BatchStatus();
  private readonly statsHeader = new StatsHeader();
  private readonly filterBar: FilterBar;
  private readonly table: SampleTable;
  private readonly detail: DetailPane;
  private readonly clusters: ClusterView;
  private readonly charts = new ChartsPanel();
  private readonly quality: QualityPanel;
  private readonly audit: AuditPart;

  // Derived data, each memoized on its inputs. Parameters named _x are cache keys only: a version
  // counter, or the text form of a selector/filter/view (equal settings hit the cache even when the
  // objects differ).
  private readonly dataset = memoize((_rows: number, _labels: number, corrected: boolean): Dataset => buildDataset(this.store, corrected));
  private readonly selection = memoize((ds: Dataset, _selector: string, selector: ScoreSelector | null) => scoreSelector(ds, selector));
  private readonly filtered = memoize((ds: Dataset, _selector: string, _filter: string, selector: ScoreSelector | null, filter: FilterSpec) => applyFilter(ds, selector, filter));
  private readonly annotated = memoize((ds: Dataset, _labels: number) => annotatedRows(ds, this.store));
  /** `fr` is null when the view's lines do not follow the filter (linesFollowFilter): a slider move keeps them. */
  private readonly items = memoize((fr: FilterResult | null, scores: Float64Array, annotated: Uint8Array, _view: string, view: PanelView, ds: Dataset) =>
    buildTableItems({ ds, filter: fr, scores, annotated }, view),
  );
  /** The bootstrap intervals of the last filter result they were computed for. */
  private intervals: { fr: FilterResult; value: GapIntervals | null; oracle: GapIntervals | null } | null = null;
  /** The bootstrap being drawn, for this filter result. */
  private bootstrap: { fr: FilterResult; job: SlicedJob } | null = null;
  private readonly sweep = memoize((ds: Dataset, _selector: string, selector: ScoreSelector | null, kind: FilterSpec['kind']) => filterSweep(ds, selector, kind, largestTask(ds)));
  private readonly histogram = memoize((ds: Dataset, scores: Float64Array) => scoreHistogram(ds, scores));
  private readonly curves = memoize((ds: Dataset, sel: SelectorResult) => kCurves(ds, sel));
  /** The verification curve of a filter result: computed ('value') or being computed in slices ('job'). */
  private verifications: { fr: FilterResult; shown: ChartsModel['verifications']; job: SlicedJob | null } | null = null;
  private readonly taskCounts = memoize((ds: Dataset) => gradedTaskCounts(ds));
  private readonly scatter = memoize((ds: Dataset, fr: FilterResult) => taskScatter(ds, fr.tasks));
  private readonly clusterList = memoize((_rows: number, task: string, verifiers: readonly string[]) =>
    answerClusters(this.store.rowsOf(task), verifiers, (row, verifier) => this.store.score(row, verifier)),
  );
  private chartParts: unknown[] = [];

  constructor(
    root: HTMLElement,
    private readonly host: PanelHost,
    clock: Clock,
    private readonly slices: SliceScheduler,
    private readonly log: (message: string) => void,
  ) {
    this.live = createThrottle(() => this.render(), LIVE_TIMING, clock);
    this.filterNotice = createThrottle(() => this.sendFilter(), { intervalMs: 300, quietMs: 100, maxWaitMs: 1000 }, clock);
    this.runBar = new RunBar((on) => this.change({ checkerCorrected: on }));
    this.restricted = new RestrictedNote(() => host.manageTrust());
    this.filterBar = new FilterBar((change: FilterChange) => this.change(change));
    this.table = new SampleTable({ select: (row) => this.select(row), view: (view) => this.change({ view }), columns: (hidden) => host.columnsChanged(hidden) });
    this.detail = new DetailPane({
      annotate: (cause, note) => this.annotate(cause, note),
      openSample: () => this.withSelection((ref) => this.host.openSample(ref).catch((err: unknown) => this.showError(err))),
      copy: (text) => void this.host.copy(text).catch((err: unknown) => this.showError(err)),
    });
    this.clusters = new ClusterView((task, answer) => this.markAnswer(task, answer));
    this.quality = new QualityPanel(slices, DEFAULT_BOOTSTRAP);
    this.audit = new AuditPart({
      host,
      annotationsOf: (task, index) => this.store.annotationsOf(task, index),
      annotationsVersion: () => this.store.annotationsVersion,
      selection: () => this.settings?.selection ?? null,
      filter: () => {
        const state = this.settings && toPanelState('-', this.settings);
        return state && state.selector !== '' ? { selector: state.selector, filter: state.filter } : null;
      },
      draft: () => this.detail.draft(),
      select: (ref) => this.selectSample(ref),
      saved: (record) => {
        this.store.addAnnotations([record]);
        this.render();
      },
    });
    root.replaceChildren(
      el('main', { className: 'panel' }, [
        this.runBar.element,
        this.runActions.element,
        this.restricted.element,
        this.endpoints.element,
        this.batch.element,
        this.statsHeader.element,
        this.filterBar.element,
        el('div', { className: 'workspace' }, [this.table.element, el('div', { className: 'side' }, [this.clusters.element, this.detail.element])]),
        this.audit.pane.element,
        this.charts.element,
        this.quality.element,
      ]),
    );
    root.ownerDocument.addEventListener('keydown', (event) => this.onKey(event));
    this.render();
  }

  /** Subscribes to the host and says ready (with the persisted state, so a reloaded panel resumes). */
  start(): void {
    this.host.onNotification((n) => this.handle(n));
    this.host.ready(this.host.loadState());
  }

  handle(n: HostNotification): void {
    switch (n.method) {
      case 'init': {
        const sameRun = this.store.run?.id === n.params.run.id && this.settings !== null;
        if (!sameRun) this.settings = initialSettings(n.params.run, this.host.loadState());
        this.store.reset(n.params);
        this.table.setHidden(n.params.hiddenColumns ?? []);
        this.detailRequests.clear();
        this.progress = null;
        this.endpoints.update([]);
        this.batch.update(null);
        this.inSnapshot = true;
        this.runBar.showError(null);
        this.render();
        return;
      }
      case 'samples':
      case 'sampleTable':
        if (!this.store.run) this.log('gap panel: samples arrived before init; they are kept until init resets the panel');
        if (n.method === 'samples') this.store.addSamples(n.params);
        else this.store.addTable(n.params);
        this.live.schedule();
        return;
      case 'tasks':
        // Questions (after a snapshot's progress): the lines in view show theirs at the next paint.
        this.store.addTasks(n.params.tasks);
        this.live.schedule();
        return;
      case 'annotations':
        this.store.addAnnotations(n.params.records);
        this.live.schedule();
        return;
      case 'runState':
        this.store.runState = n.params;
        this.live.schedule();
        return;
      case 'progress':
        this.progress = n.params;
        // A snapshot ends with its progress: paint it now instead of waiting out the quiet period that
        // tells the end of a burst of live updates.
        if (this.inSnapshot) {
          this.inSnapshot = false;
          this.render();
        } else this.live.schedule();
        return;
      case 'error':
        this.runBar.showError(n.params.message);
        return;
      case 'command':
        this.act({ kind: n.params.command });
        return;
      case 'audit':
        this.audit.receive(n.params);
        this.live.schedule();
        return;
      case 'restricted':
        this.restricted.show(n.params.note);
        return;
      case 'endpoints':
        this.endpoints.update(n.params.models);
        return;
      case 'batch':
        this.batch.update(n.params.progress);
        return;
    }
  }

  private change(patch: Partial<PanelSettings>): void {
    if (!this.settings) return;
    this.settings = { ...this.settings, ...patch };
    this.render();
  }

  private render(): void {
    this.live.cancel();
    const run = this.store.run;
    const settings = this.settings;
    this.runActions.update(run ? this.progress : null, this.store.runState);
    if (!run || !settings) {
      this.stopBootstrap(null);
      this.runBar.update(null, null, false, 0);
      this.statsHeader.update(null, { samples: 0, done: null, total: null, tasks: 0 }, NOTHING_YET, null);
      this.quality.show(null);
      return;
    }
    const view = this.derive(settings);
    const { ds, sel, fr, items } = view;
    this.stopBootstrap(fr);
    this.quality.show({
      ds,
      sel,
      fr,
      verifiers: runVerifiers(run, this.store.runState),
      runState: this.store.runState,
      curves: () => this.curves(ds, sel),
      noStatistics: fr.stats ? null : this.notice(fr),
    });
    this.runBar.update(run, this.progress, settings.checkerCorrected, this.checkerLabels());
    this.updateHeader(view, this.intervals?.fr === fr ? this.intervals : null);
    const verifiers = this.verifierColumns(ds);
    this.filterBar.update({ selector: settings.selector, filter: settings.filter }, verifiers, largestTask(ds));
    const selected = settings.selection ? findRow(ds, settings.selection.task, settings.selection.index) : -1;
    this.table.update({
      ds,
      filter: fr,
      items,
      verifiers,
      labelOf: (row) => {
        const sample = ds.sampleAt(row);
        const labels = this.store.annotationsOf(sample.task, sample.index);
        const latest = labels[labels.length - 1];
        return latest ? labelText(latest) : null;
      },
      questionOf: (task) => this.store.tasks.get(task)?.question,
      selected,
      view: settings.view,
    });
    this.detail.update(this.detailModel(ds, fr, settings, selected));
    this.clusters.update(this.clusterModel(ds, settings, verifiers));
    this.audit.render();
    this.persist(run.id, settings);
    this.filterNotice.schedule();
    this.scheduleDeferred();
  }

  private derive(settings: PanelSettings): Derived {
    const ds = this.dataset(this.store.rowsVersion, settings.checkerCorrected ? this.store.annotationsVersion : -1, settings.checkerCorrected);
    const selectorText = settings.selector ? formatSelector(settings.selector) : '';
    const sel = this.selection(ds, selectorText, settings.selector);
    const fr = this.filtered(ds, selectorText, formatFilter(settings.filter), settings.selector, settings.filter);
    const annotated = this.annotated(ds, this.store.annotationsVersion);
    const items = this.items(linesFollowFilter(settings.view) ? fr : null, sel.scores, annotated, JSON.stringify(settings.view), settings.view, ds);
    return { ds, sel, fr, items };
  }

  /**
   * Bootstrap intervals, then the charts and the verifier quality: after the frame that shows the new
   * numbers, and not while a burst of data is still arriving (the render it triggers schedules this again).
   */
  private scheduleDeferred(): void {
    const token = ++this.deferred;
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (token === this.deferred && this.settings && !this.live.pending) this.runDeferred(this.settings);
      }, 0),
    );
  }

  /** Starts (or leaves running) the bootstrap of the current filter result; once it is shown, draws the charts. */
  private runDeferred(settings: PanelSettings): void {
    const view = this.derive(settings);
    const { ds, fr } = view;
    if (!fr.stats || this.intervals?.fr === fr) {
      this.renderCharts(settings);
      this.quality.compute();
      return;
    }
    if (this.bootstrap?.fr === fr) return;
    // fr.stats is set: some task is graded, so there is a bootstrap.
    const bootstrap = gapBootstrap(ds, fr) as GapBootstrap;
    // The oracle line's intervals are drawn beside the gap's, the same number of resamples per step.
    const oracle = oracleBootstrap(fr) as GapBootstrap;
    const perStep = resamplesPerStep(ds.graded.tasks.length);
    const job = runInSlices(
      () => [bootstrap.advance(perStep), oracle.advance(perStep)].every(Boolean),
      () => {
        this.bootstrap = null;
        this.intervals = { fr, value: bootstrap.intervals(), oracle: oracle.intervals() };
        // Every render since the start kept this filter result (a change stops the job): the view is current.
        this.updateHeader(view, this.intervals);
        this.scheduleDeferred();
      },
      this.slices,
    );
    this.bootstrap = { fr, job };
  }

  /** Stops the bootstrap in progress unless it is for `keep`. */
  private stopBootstrap(keep: FilterResult | null): void {
    if (!this.bootstrap || this.bootstrap.fr === keep) return;
    this.bootstrap.job.cancel();
    this.bootstrap = null;
  }

  private renderCharts(settings: PanelSettings): void {
    const { ds, sel, fr } = this.derive(settings);
    const selectorText = settings.selector ? formatSelector(settings.selector) : '';
    const model: ChartsModel = {
      histogram: this.histogram(ds, sel.scores),
      selectorLabel: selectorText || 'no verifier',
      sweep: fr.stats ? { points: this.sweep(ds, selectorText, settings.selector, settings.filter.kind), accuracy: fr.stats.accuracy, current: settings.filter } : null,
      scatter: this.scatter(ds, fr),
      curves: this.curves(ds, sel),
      measured: fr.measured,
      verifications: this.verificationCurve(ds, fr),
    };
    // The parts are memoized: unchanged identities (and the same filter, for the sweep's marker) mean nothing to redraw.
    const parts = [model.histogram, model.sweep?.points, model.scatter, model.curves, formatFilter(settings.filter), model.measured, model.verifications];
    if (parts.length === this.chartParts.length && parts.every((part, i) => part === this.chartParts[i])) return;
    this.chartParts = parts;
    this.charts.update(model);
  }


  /**
   * The verification curve of this filter result for the charts: computed, or 'pending' while a job
   * computes it a slice at a time (seconds at 10^5 samples and K = 16); charts redraw when it is done.
   */
  private verificationCurve(ds: Dataset, fr: FilterResult): ChartsModel['verifications'] {
    if (this.verifications?.fr === fr) return this.verifications.shown;
    this.verifications?.job?.cancel();
    this.verifications = null;
    const steps = verificationCurveJob(ds, fr, DEFAULT_BOOTSTRAP);
    if (steps === undefined) return undefined;
    const shown = (curve: VerificationCurve | null | 'pending'): ChartsModel['verifications'] => ({ curve, tasks: ds.graded.tasks.length, resamples: DEFAULT_BOOTSTRAP.resamples });
    let curve: VerificationCurve | null = null;
    const job = runInSlices(
      () => {
        const next = steps.next();
        if (next.done) curve = next.value;
        return next.done === true;
      },
      () => {
        this.verifications = { fr, shown: shown(curve), job: null };
        this.scheduleDeferred();
      },
      this.slices,
    );
    this.verifications = { fr, shown: shown('pending'), job };
    return this.verifications.shown;
  }

  private updateHeader({ ds, sel, fr }: Derived, drawn: { value: GapIntervals | null; oracle: GapIntervals | null } | null): void {
    const intervals = drawn?.value ?? null;
    const rests = restsOn({
      runState: this.store.runState,
      stats: fr.stats,
      selector: fr.selector,
      intervals,
      bootstrap: DEFAULT_BOOTSTRAP,
      filter: fr.filter,
      samplesPerTask: this.taskCounts(ds).maxK,
    });
    this.statsHeader.update(
      fr.stats && fr.oracle ? { stats: fr.stats, intervals, auroc: sel.auroc, oracle: { stats: fr.oracle.stats, intervals: drawn?.oracle ?? null } } : null,
      { samples: ds.slots.length, done: this.progress?.done ?? null, total: this.progress?.total ?? null, tasks: ds.taskIds.length },
      rests,
      this.notice(fr, rests.starting),
      confusionWeights(ds, fr),
      rests.starting && this.store.mode !== 'check',
    );
  }

  /** What the header's numbers do not say themselves; why a statistic is not measured is said with the coverage. */
  private notice(fr: FilterResult, starting = false): string | null {
    if (!fr.stats) {
      if (this.store.mode === 'check') return 'No gold answer yet: mark the right answer under "Answers" to turn on the gap statistics.';
      return starting ? 'Starting… nothing graded yet.' : 'No graded sample yet.';
    }
    const nothingKept = fr.stats.tasksNothingKept ?? 0;
    return nothingKept > 0 ? `${nothingKept} task(s) kept nothing and count with J(f|x).` : null;
  }

  private verifierColumns(ds: Dataset): string[] {
    const names = [...(this.store.run?.verifiers ?? [])];
    for (const name of ds.verifiers) if (!names.includes(name)) names.push(name);
    return names;
  }

  private checkerLabels(): number {
    return this.store.latestAnnotations().filter((a) => a.human !== undefined || a.cause === 'checker-wrong').length;
  }

  private detailModel(ds: Dataset, fr: FilterResult, settings: PanelSettings, row: number): DetailModel | null {
    if (!settings.selection || row < 0) return null;
    const sample = ds.sampleAt(row);
    if (!sample.full) this.fetchDetail(sample);
    return {
      sample,
      row: sample.full,
      detailError: this.detailRequests.get(sampleKey(sample.task, sample.index)) ?? null,
      task: this.store.tasks.get(sample.task),
      graded: ds.taskGraded[ds.taskOf[row] as number] === 1,
      correct: ds.correct[row] === 1,
      flipped: ds.flipped[row] === 1,
      weight: fr.measured ? (fr.weights[row] as number) : null,
      weighted: isWeighted(fr.filter),
      disagreement: disagreementOf(ds, fr, row),
      annotations: this.store.annotationsOf(sample.task, sample.index),
    };
  }

  /** Rows from a 'sampleTable' come without text and verifier outputs: ask once, when the user opens one. */
  private fetchDetail(sample: StoredRow): void {
    const key = sampleKey(sample.task, sample.index);
    if (this.detailRequests.has(key)) return;
    this.detailRequests.set(key, null);
    const ref = { task: sample.task, index: sample.index };
    this.host
      .sampleDetail(ref)
      .then(({ row }) => {
        if (row.task !== ref.task || row.index !== ref.index) throw new Error(`the extension answered with sample ${row.task} #${row.index}`);
        this.detailRequests.delete(key);
        this.store.addDetail(row);
      })
      .catch((err: unknown) => this.detailRequests.set(key, err instanceof Error ? err.message : String(err)))
      .finally(() => this.render());
  }

  private clusterModel(ds: Dataset, settings: PanelSettings, verifiers: readonly string[]): Parameters<ClusterView['update']>[0] {
    if (this.store.mode !== 'check' || ds.taskIds.length === 0) return null;
    const task = settings.selection?.task ?? ds.taskIds.find((_, t) => ds.taskGraded[t] === 0) ?? (ds.taskIds[0] as string);
    return { task, clusters: this.clusterList(this.store.rowsVersion, task, verifiers), verifiers, gold: this.store.tasks.get(task)?.gold ?? [] };
  }

  private select(row: number): void {
    const settings = this.settings;
    if (!settings) return;
    const { ds, items } = this.derive(settings);
    if (row < 0 || row >= ds.slots.length) return;
    const sample = ds.sampleAt(row);
    this.change({ selection: { task: sample.task, index: sample.index } });
    const line = items.lineOf[row] as number;
    if (line >= 0) this.table.reveal(line);
  }

  /** Selects a sample by task and index (the Audit part's walk), when the panel has it. */
  private selectSample(ref: { task: string; index: number }): void {
    const settings = this.settings;
    if (!settings) return;
    const row = findRow(this.derive(settings).ds, ref.task, ref.index);
    if (row >= 0) this.select(row);
  }

  private onKey(event: KeyboardEvent): void {
    // The innermost target: inside VS Code Elements' shadow roots, the <input>/<textarea> itself.
    const target = event.composedPath()[0] ?? event.target;
    const inTextField =
      target instanceof HTMLElement &&
      (target.isContentEditable || target instanceof HTMLTextAreaElement || (target instanceof HTMLInputElement && TEXT_INPUTS.has(target.type)));
    const action = keyAction({ key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, inTextField });
    if (!action) return;
    event.preventDefault();
    this.act(action);
  }

  private act(action: KeyAction): void {
    const settings = this.settings;
    if (!settings) return;
    if (action.kind === 'label') {
      if (settings.selection) this.detail.label(action.cause);
      return;
    }
    const { ds, fr, items } = this.derive(settings);
    const row = settings.selection ? findRow(ds, settings.selection.task, settings.selection.index) : -1;
    const line = row >= 0 ? (items.lineOf[row] as number) : -1;
    const next =
      action.kind === 'nextDisagreement'
        ? nextMatching(items.items, line, (r) => disagreementOf(ds, fr, r) !== null)
        : stepSample(items.items, line, action.kind === 'nextSample' ? 1 : -1);
    const target = items.items[next];
    if (next >= 0 && target !== undefined) this.select(target);
  }

  private annotate(cause: AnnotationCause, note: string): void {
    this.withSelection((ref) => {
      this.detail.setStatus('Saving…');
      this.host
        .annotate({ ...ref, cause, note })
        .then(({ record }) => {
          this.store.addAnnotations([record]);
          this.detail.setStatus(`Saved at ${record.at}.`);
          this.render();
        })
        .catch((err: unknown) => this.detail.setStatus(`Not saved: ${err instanceof Error ? err.message : String(err)}`, true));
    });
  }

  private markAnswer(task: string, answer: string): void {
    this.host.markAnswer({ task, answer }).catch((err: unknown) => this.showError(err));
  }

  private withSelection(fn: (ref: { task: string; index: number }) => void): void {
    const selection = this.settings?.selection;
    if (selection) fn(selection);
  }

  private showError(err: unknown): void {
    this.runBar.showError(err instanceof Error ? err.message : String(err));
  }

  private persist(runId: string, settings: PanelSettings): void {
    const state: PanelState = toPanelState(runId, settings);
    const text = JSON.stringify(state);
    if (text === this.savedState) return;
    this.savedState = text;
    this.host.saveState(state);
  }

  private sendFilter(): void {
    if (!this.settings) return;
    const state = toPanelState(this.store.run?.id ?? '-', this.settings);
    const key = `${state.selector}\u0000${state.filter}`;
    if (key === this.sentFilter || state.selector === '') return;
    this.sentFilter = key;
    this.host.filterChanged(state.selector, state.filter);
  }
}
