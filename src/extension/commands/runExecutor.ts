// Runs a gap check (new, resumed or re-verified) the way the CLI does — through core's run
// controller, which holds the run's lock and owns every failure rule — with VS Code around it: a
// cancellable progress notification, the run's panel filling in live, the status bar, and errors
// that say how to continue.
import * as vscode from 'vscode';
import { BackendError } from '../../core/llm/backend';
import { canonicalModelSpec, endpointOrigins, parseModelSpec } from '../../core/llm/modelSpec';
import { defaultCapabilityCacheDir, defaultResponseCacheDir } from '../../core/util/cacheDir';
import { RunController, unfinishedNote, type OpenRequest, type RunOutcome } from '../../core/pipeline/runController';
import { runModels } from '../../core/pipeline/runSession';
import { estimateLines, limitReachedText, liveSpendText, spendText } from '../../core/cost/costText';
import { costBound, estimateRun } from '../../core/cost/estimate';
import { atBatchPrices, missingPrices, readPricing, type Pricing } from '../../core/cost/pricing';
import { BatchExecutor, DEFAULT_POLL_MS } from '../../core/batch/batchExecutor';
import { batchPanelFigures, batchProgressText } from '../../core/batch/batchProgress';
import { readBatchState } from '../../core/batch/batchState';
import { OPENAI_BATCH_LIMITS } from '../../core/batch/shardWriter';
import type { Spend } from '../../core/cost/spend';
import { readManifest } from '../../core/runs/runStore';
import { UserError } from '../../core/util/errors';
import { fileSystemProblem } from '../../core/util/fsProblems';
import type { ApiKeys } from '../config/apiKeys';
import { originsToConfirm, restrictedModeRefusal } from '../config/keyPolicy';
import type { WorkspaceSettings } from '../config/workspaceSettings';
import { startingFilter, type ProgressParams } from '../panel/gapPanel';
import type { PanelRegistry } from '../panel/panelRegistry';
import { gapInputOf, RunModel } from '../panel/runModel';
import type { Services } from '../services';
import { gapText, LiveGap, type GapNow } from '../../core/pipeline/liveGap';
import { runName } from '../views/runItems';
import { readRunNotes, updateRunNotes, type RunEnding } from '../run/runNotes';

export interface ExecuteRequest {
  /** What to open: a new run, a resume, or a re-verify (core's run controller prepares it under the run's lock). */
  open: OpenRequest;
  /** What the progress notification says it is doing, e.g. "gap check" or "re-verifying". */
  activity: string;
  /** 'batch': through the OpenAI Batch API (docs/batch.md); absent: a run started in batches goes on in batches, any other online. */
  executor?: 'online' | 'batch';
  /** Cancels the run as the notification's Cancel does (a test run's cancellation token). */
  signal?: AbortSignal;
  /**
   * A Test Explorer run: no panel, no progress notification and no toast at the end — the Test
   * Explorer shows the test's progress, and its message says how the run ended and links the panel.
   */
  quiet?: boolean;
}

/** How an execution ended (a failed one throws instead). */
export interface ExecuteResult {
  dir: string;
  status: Exclude<RunOutcome['status'], 'failed'>;
}

/** The user's prices, and the cost limit when one is set. */
type CostSettings = { pricing: Pricing; costLimit?: number };

/** Progress notifications update at most this often (the panel has its own 4/s limit). */
const REPORT_MS = 250;

export class RunExecutor implements vscode.Disposable {
  private readonly running = new Map<string, AbortController>();
  /** The state of each run executing now, by folder: what its panel shows. */
  private readonly models = new Map<string, RunModel>();

  constructor(
    private readonly services: Services,
    private readonly panels: PanelRegistry,
    private readonly keys: ApiKeys,
    private readonly workspace: WorkspaceSettings,
  ) {}

  /** The live state of a run executing now, for a panel opened on it meanwhile. */
  modelOf(dir: string): RunModel | undefined {
    return this.models.get(dir);
  }

  isRunning(dir: string): boolean {
    return this.running.has(dir);
  }

  /** Cancels the run executing in `dir` (as the notification's Cancel does); false if this window is not running it. */
  cancel(dir: string): boolean {
    const abort = this.running.get(dir);
    abort?.abort();
    return abort !== undefined;
  }

  /**
   * Executes the run with its panel open; resolves when it finished or was cancelled (undefined: the
   * user declined to send a key before anything started), throws when it failed.
   */
  async execute(req: ExecuteRequest): Promise<ExecuteResult | undefined> {
    const { open } = req;
    const dir = open.kind === 'new' ? undefined : open.dir;
    if (dir !== undefined && this.running.has(dir)) throw new UserError(`${dir} is already running`);
    const folderModels = dir === undefined ? [] : await modelsOfRunFolder(dir);
    if (dir !== undefined) this.refuseUntrustedModels(dir, folderModels);
    // A run started in batches is resumed in batches: its batches out are collected, never left unused.
    const startedInBatches = dir !== undefined && ((await readBatchState(dir))?.shards.length ?? 0) > 0;
    const batch = (req.executor ?? (startedInBatches ? 'batch' : 'online')) === 'batch';
    const cost = await this.costSettings(open, batch);
    const notifyAfterSeconds = this.workspace.settings(dir).notifyLongRunSeconds;
    // The keys are settled first: the endpoints are probed before the run is created or changed.
    const models = open.kind === 'new' ? runModels(open.config) : [...folderModels, ...(open.kind === 'reverify' && open.model !== undefined ? [canonicalModelSpec(open.model)] : [])];
    const keys = await this.keysFor(models, open.kind !== 'new');
    if (keys === undefined) return undefined;
    const onWarning = (m: string): void => this.services.log.warn(m);
    // A verifier the endpoint cannot serve is refused here, before anything exists, as the CLI does.
    // The panel's model is built from every record the folder holds (RunModel.fromPrepared).
    const controller = await RunController.open(open, { by: 'VS Code', onWarning, capabilities: { cacheDir: defaultCapabilityCacheDir(), keyFor: (m) => keys.get(m) } });
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    if (req.signal?.aborted) stop();
    req.signal?.addEventListener('abort', stop);
    this.running.set(controller.dir, abort);
    try {
      return { dir: controller.dir, status: await this.executeWithUi(controller, req.activity, abort, keys, cost, batch, notifyAfterSeconds, req.quiet ?? false) };
    } finally {
      req.signal?.removeEventListener('abort', stop);
      await controller.close();
      this.running.delete(controller.dir);
      this.models.delete(controller.dir);
      this.services.refreshRuns();
    }
  }

  dispose(): void {
    for (const c of this.running.values()) c.abort();
  }

  /**
   * The user's prices and the gaplens.costLimit setting, checked before anything is created: a
   * limit needs the price of every model the run calls, or it could not be kept.
   */
  private async costSettings(open: OpenRequest, batch: boolean): Promise<CostSettings> {
    const pricing = readPricing();
    const costLimit = this.workspace.settings(open.kind === 'new' ? undefined : open.dir).costLimit;
    if (costLimit === null) return { pricing };
    if (batch) {
      // A batch is spent as a whole once submitted: a limit checked as answers land could not be kept.
      this.services.log.warn('gaplens.costLimit applies to online runs only: a batch run is not limited (its estimate is in this log)');
      return { pricing };
    }
    const models =
      open.kind === 'new'
        ? runModels(open.config)
        : open.kind === 'resume' || open.kind === 'template-version'
          ? await modelsOfRunFolder(open.dir)
          : [open.model ?? (await readManifest(open.dir)).config.model];
    const missing = missingPrices(pricing, models, 'The cost limit (gaplens.costLimit)');
    if (missing !== null) throw new UserError(missing);
    return { pricing, costLimit };
  }

  private async executeWithUi(
    controller: RunController,
    activity: string,
    abort: AbortController,
    keys: Map<string, string | undefined>,
    cost: CostSettings,
    batch: boolean,
    notifyAfterSeconds: number,
    quiet: boolean,
  ): Promise<ExecuteResult['status']> {
    const { prepared } = controller;
    const { dir } = prepared;
    const { log } = this.services;
    const manifest = await readManifest(dir);
    const name = runName(manifest.config, (await readRunNotes(dir, (m) => log.warn(m))).label);
    const started = Date.now();
    // The one state of the run while it executes: every record is applied here, and whichever panel
    // shows the run (it may be closed and reopened meanwhile) shows this model.
    // Read again from the folder as columns (the texts stay on disk): the prepared records are the resume's.
    const { model, annotations } = await RunModel.read(dir);
    this.models.set(dir, model);
    const total = model.taskCount * prepared.config.n;
    // A re-verify adds no generations: count its verifications instead.
    const countVerifications = model.sampleCount >= total;
    const work = countVerifications ? total * controller.verifiers.length : total;
    let done = countVerifications ? 0 : model.sampleCount;
    // The run's panel, and the filter it starts with; quiet, only that filter (a panel opened meanwhile shows this model).
    const shown = quiet ? startingFilter(model.summary) : this.panels.show(model, annotations, { done: model.sampleCount, total, status: 'running' });
    const live = new LiveGap(shown.selector, shown.filter);
    live.updateColumns(model.gapRows());
    const progressNow = (status: ProgressParams['status'], message?: string): ProgressParams => ({ done: model.sampleCount, total, status, ...(message !== undefined ? { message } : {}) });
    log.info(`${activity} ${manifest.id}: ${prepared.config.model}, ${model.taskCount} tasks × ${prepared.config.n}, verifiers ${controller.verifiers.join(', ')} → ${dir}`);
    const estimate = estimateRun({ ...prepared, existing: controller.records, verifiers: controller.verifiers });
    const prices = batch ? atBatchPrices(cost.pricing) : cost.pricing;
    for (const line of estimateLines(estimate, costBound(estimate, prices), cost.pricing.file)) log.info(line);
    let spend: Spend | null = null;
    // Where the batches stand goes to the log and the notification (set once the notification is up).
    let batchNote = (_text: string): void => undefined;
    let lastNote = '';
    const executor = batch
      ? new BatchExecutor({
          dir, runId: manifest.id, maxRetries: 6, pricing: cost.pricing,
          mode: { kind: 'remote', limits: OPENAI_BATCH_LIMITS, pollMs: DEFAULT_POLL_MS, keyFor: (m) => keys.get(m) },
          onMessage: (m) => log.info(m),
          onProgress: (p) => {
            model.batch = batchPanelFigures(p);
            this.panels.get(dir)?.setBatch({ progress: model.batch });
            const text = batchProgressText(p);
            if (text === lastNote) return;
            lastNote = text;
            log.info(text);
            batchNote(text);
          },
        })
      : undefined;

    type Body = (progress: vscode.Progress<{ message?: string; increment?: number }>, token?: vscode.CancellationToken) => Promise<ExecuteResult['status']>;
    // Quiet, the request's signal is the only Cancel.
    const withUi = (body: Body): Thenable<ExecuteResult['status']> =>
      quiet ? body({ report: () => undefined }) : vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Gap Lens: ${activity}`, cancellable: true }, body);
    const warn = (message: string): void => {
      if (!quiet) void vscode.window.showWarningMessage(`Gap Lens: ${message}`);
    };
    return withUi(async (progress, token) => {
      const cancel = token?.onCancellationRequested(() => abort.abort());
      let reported = 0;
      let lastReport = 0;
      /** Reports unless it reported less than REPORT_MS ago; says whether it did. */
      const report = (message: string, force = false): boolean => {
        const now = Date.now();
        if (!force && now - lastReport < REPORT_MS) return false;
        lastReport = now;
        const percent = work === 0 ? 100 : (100 * done) / work;
        progress.report({ increment: percent - reported, message });
        reported = percent;
        return true;
      };
      batchNote = (text) => void report(text, true);
      // The gap under the filter the run's panel shows now (the user may move it while the run goes
      // on); under the filter the run started with when no panel is open.
      const gapNow = (): GapNow | null => {
        const open = this.panels.get(dir);
        return open ? open.gapNow() : live.now();
      };
      // Counting the coverage reads every sample: at most as often as the progress notification. The
      // registry shows it only while no other run's panel is in front.
      let ended: RunEnding | undefined;
      const status = (running: boolean, gap = gapNow()): void => {
        this.panels.reportRun({ runId: manifest.id, name, dir, running, live: running, coverage: model.coverage(), gap, ...(ended ? { ended } : {}) });
      };
      let outcome: RunOutcome | undefined;
      try {
        outcome = await controller.execute({
          concurrency: prepared.config.concurrency,
          cacheDir: defaultResponseCacheDir(),
          keyFor: (m) => keys.get(m),
          onEvent: (event) => {
            if (event.type === 'task-done') return;
            const row = model.apply(event);
            const open = this.panels.get(dir);
            open?.recorded(event, row);
            if (row) live.update(gapInputOf(row));
            if (event.type === 'failure' || event.type === (countVerifications ? 'verification' : 'generation')) done++;
            if (event.type === 'generation') open?.setProgress(progressNow('running'));
            const gap = gapNow();
            const spent = liveSpendText(spend);
            if (report(`${done}/${work}${gap ? ` · ${gapText(gap.reading)}` : ''}${spent ? ` · ${spent}` : ''}`)) status(true, gap);
          },
          onEndpoints: (models) => this.panels.get(dir)?.setEndpoints({ models }),
          onMessage: (m) => log.warn(m),
          onDownloadProgress: (got, size) => report(`downloading the model: ${Math.round((100 * got) / Math.max(size, 1))} % of ${Math.round(size / 1e6)} MB`),
          onSpend: (now) => (spend = now),
          signal: abort.signal,
          // A batch execution's spend is what its batches cost, said with its progress.
          ...(executor ? { executor } : cost),
        });
      } finally {
        cancel?.dispose();
        ended = await this.recordEnding(dir, outcome);
        status(false);
        model.batch = null;
        this.panels.get(dir)?.setEndpoints({ models: [] });
        if (executor) this.panels.get(dir)?.setBatch({ progress: null });
      }
      const resume = `${capitalized(unfinishedNote(dir, 'Resume (in the panel or on the run in the Gap Lens runs view) continues it'))}.`;
      if (outcome.spend) log.info(`${manifest.id}: ${spendText(outcome.spend)}`);
      switch (outcome.status) {
        case 'complete': {
          this.panels.get(dir)?.setProgress(progressNow('done'));
          report('done', true);
          const gap = gapNow();
          const text = gap ? gapText(gap.reading) : null;
          log.info(`${manifest.id} finished${text ? `: ${text}` : ''}`);
          if (!quiet) this.notifyIfLong(dir, name, (Date.now() - started) / 1000, notifyAfterSeconds, text);
          return outcome.status;
        }
        case 'incomplete': {
          const message = `${outcome.failedSamples} sample stage${outcome.failedSamples === 1 ? '' : 's'} failed at the model call (see the log). ${resume}`;
          this.panels.get(dir)?.setProgress(progressNow('failed', message));
          log.warn(`${manifest.id}: ${message}`);
          warn(message);
          return outcome.status;
        }
        case 'cancelled':
          this.panels.get(dir)?.setProgress(progressNow('cancelled', `Cancelled. ${resume}`));
          log.info(`${manifest.id} cancelled`);
          return outcome.status;
        case 'cost-limit': {
          const message = `Stopped at the cost limit (gaplens.costLimit): ${limitReachedText(outcome.limit)}. ${resume} A resume counts its spend from zero.`;
          this.panels.get(dir)?.setProgress(progressNow('cancelled', message));
          log.warn(`${manifest.id}: ${message}`);
          warn(message);
          return outcome.status;
        }
        case 'waiting':
          // A batch run whose batches are still out: collected by the next resume.
          return outcome.status;
        case 'failed': {
          const { error } = outcome;
          const known = error instanceof BackendError || error instanceof UserError ? error : fileSystemProblem(error);
          const message = known ? known.message : error instanceof Error ? error.message : String(error);
          this.panels.get(dir)?.setProgress(progressNow('failed', message));
          if (known) throw new UserError(`${message}\n${resume}`);
          throw error;
        }
      }
    });
  }

  /**
   * Writes how the execution ended into the run's notes (the runs tree tells cancelled from failed by
   * it); a completed run has no ending. Returns it. A folder it cannot write is logged, not thrown:
   * the run's own files are what matter.
   */
  private async recordEnding(dir: string, outcome: RunOutcome | undefined): Promise<RunEnding | undefined> {
    // No outcome: the execution threw. Batches still out ('waiting') are not an ending.
    if (outcome?.status === 'waiting') return undefined;
    const ended = outcome === undefined ? 'failed' : endingOf(outcome.status);
    try {
      await updateRunNotes(dir, { ended });
      await this.panels.notesChanged(dir);
    } catch (err) {
      this.services.log.warn(`${dir}: could not note how the run ended: ${err instanceof Error ? err.message : String(err)}`);
    }
    return ended;
  }

  /** A run that took long enough (gaplens.notifyLongRunSeconds) says it finished, with Open: its panel may be far away by now. */
  private notifyIfLong(dir: string, name: string, seconds: number, notifyAfterSeconds: number, gap: string | null): void {
    if (seconds < notifyAfterSeconds) return;
    void vscode.window.showInformationMessage(`Gap Lens: ${name} finished in ${Math.round(seconds)} s${gap ? `: ${gap}` : ''}.`, 'Open').then((choice) => {
      if (choice === 'Open') void vscode.commands.executeCommand('gaplens.openRun', dir);
    });
  }

  /**
   * In Restricted Mode a run folder inside the workspace runs only models of the user's own
   * profiles: the workspace is not trusted to choose endpoints or model files.
   */
  private refuseUntrustedModels(dir: string, models: readonly string[]): void {
    if (vscode.workspace.isTrusted || !this.workspace.contains(dir)) return;
    const refusal = restrictedModeRefusal(dir, models, this.workspace.userProfiles());
    if (refusal !== null) throw new UserError(refusal);
  }

  /**
   * The stored keys of the models' servers (llama models need none), by model spec. For models a
   * run folder named, a key goes to an origin no user-level profile names only if the user says so
   * (undefined: the user cancelled).
   */
  private async keysFor(models: readonly string[], fromRunFolder: boolean): Promise<Map<string, string | undefined> | undefined> {
    const refused = new Set<string>();
    const toConfirm = fromRunFolder ? originsToConfirm(models, this.workspace.userProfiles()) : [];
    for (const origin of toConfirm) {
      if ((await this.keys.get(origin)) === undefined) continue;
      const choice = await vscode.window.showWarningMessage(
        `Gap Lens: send your API key for ${origin} to it?`,
        { modal: true, detail: `This run folder names the endpoint ${origin}, and no model profile in your user settings does. Send the key only if you trust where the run folder came from.` },
        'Send Key',
        'Run Without Key',
      );
      if (choice === undefined) return undefined;
      if (choice === 'Run Without Key') refused.add(origin);
    }
    const keys = new Map<string, string | undefined>();
    for (const model of models) {
      const origins = endpointOrigins(model);
      const allowed = origins.length > 0 && !origins.some((origin) => refused.has(origin));
      keys.set(model, allowed ? await this.keys.forModel(model) : undefined);
    }
    return keys;
  }
}

/** How an execution that stopped ended: undefined when it completed the run. */
function endingOf(status: Exclude<RunOutcome['status'], 'waiting'>): RunEnding | undefined {
  switch (status) {
    case 'complete':
      return undefined;
    case 'cancelled':
    case 'cost-limit':
      return 'cancelled';
    case 'incomplete':
    case 'failed':
      return 'failed';
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The models a run folder's run.json names: the run's own and its cross-verifiers'. */
async function modelsOfRunFolder(dir: string): Promise<string[]> {
  return runModels((await readManifest(dir)).config);
}
