// Runs a prepared gap check (new, resumed or re-verified) the way the CLI does — core's executeRun —
// with VS Code around it: a cancellable progress notification, the run's panel filling in live,
// the status bar, and errors that say how to continue.
import * as vscode from 'vscode';
import { BackendError } from '../../core/llm/backend';
import { parseModelSpec } from '../../core/llm/modelSpec';
import { defaultResponseCacheDir } from '../../core/util/cacheDir';
import { executeRun, type PreparedRun } from '../../core/pipeline/runSession';
import { readManifest } from '../../core/runs/runStore';
import { UserError } from '../../core/util/errors';
import type { BaseVerifierName } from '../../core/verify/verifier';
import type { ApiKeys } from '../config/apiKeys';
import type { ProgressParams } from '../panel/gapPanel';
import type { PanelRegistry } from '../panel/panelRegistry';
import { gapInputOf, RunModel } from '../panel/runModel';
import type { Services } from '../services';
import { gapText, LiveGap } from '../../core/pipeline/liveGap';

export interface ExecuteRequest {
  prepared: PreparedRun;
  /** The verifiers to run now: all of the run's for a new run or resume, the new ones for a re-verify. */
  verifiers: BaseVerifierName[];
  /** What the progress notification says it is doing, e.g. "gap check" or "re-verifying". */
  activity: string;
}

/** Progress notifications update at most this often (the panel has its own 4/s limit). */
const REPORT_MS = 250;

export class RunExecutor implements vscode.Disposable {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly services: Services,
    private readonly panels: PanelRegistry,
    private readonly keys: ApiKeys,
  ) {}

  isRunning(dir: string): boolean {
    return this.running.has(dir);
  }

  /** Executes the run with its panel open; resolves when it finished, was cancelled, or failed (then throws). */
  async execute(req: ExecuteRequest): Promise<void> {
    const { prepared } = req;
    if (this.running.has(prepared.dir)) throw new UserError(`${prepared.dir} is already running`);
    const controller = new AbortController();
    this.running.set(prepared.dir, controller);
    try {
      await this.executeWithUi(req, controller);
    } finally {
      this.running.delete(prepared.dir);
      this.services.refreshRuns();
    }
  }

  dispose(): void {
    for (const c of this.running.values()) c.abort();
  }

  private async executeWithUi(req: ExecuteRequest, controller: AbortController): Promise<void> {
    const { prepared } = req;
    const { dir } = prepared;
    const { log } = this.services;
    const manifest = await readManifest(dir);
    // The run's own copy of what the panel shows: the panel may be closed and reopened meanwhile,
    // and whichever panel shows the run then gets every later record.
    const model = RunModel.fromPrepared(prepared, manifest);
    const total = model.taskCount * prepared.config.n;
    // A re-verify adds no generations: count its verifications instead.
    const countVerifications = model.sampleCount >= total;
    const work = countVerifications ? total * req.verifiers.length : total;
    let done = countVerifications ? 0 : model.sampleCount;
    const panel = this.panels.show(RunModel.fromPrepared(prepared, manifest), prepared.existing?.annotations ?? [], { done: model.sampleCount, total, status: 'running' });
    const live = new LiveGap(panel.selector, panel.filter);
    for (const row of model.allRows()) live.update(gapInputOf(row));
    const progressNow = (status: ProgressParams['status'], message?: string): ProgressParams => ({ done: model.sampleCount, total, status, ...(message !== undefined ? { message } : {}) });
    const apiKey = await this.apiKeyFor(prepared.config.model);
    log.info(`${req.activity} ${manifest.id}: ${prepared.config.model}, ${model.taskCount} tasks × ${prepared.config.n}, verifiers ${req.verifiers.join(', ')} → ${dir}`);

    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Gap Lens: ${req.activity}`, cancellable: true }, async (progress, token) => {
      const cancel = token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      let lastReport = 0;
      const report = (message: string, force = false): void => {
        const now = Date.now();
        if (!force && now - lastReport < REPORT_MS) return;
        lastReport = now;
        const percent = work === 0 ? 100 : (100 * done) / work;
        progress.report({ increment: percent - reported, message });
        reported = percent;
      };
      // The gap under the filter the run's panel shows now (the user may move it while the run goes
      // on); under the filter the run started with when no panel is open.
      const gapNow = (): string | null => {
        const open = this.panels.get(dir);
        return open ? open.gapNow() : gapText(live.reading());
      };
      const status = (running: boolean, gap: string | null = gapNow()): void => {
        this.services.status.show({ runId: manifest.id, dir, running, done: model.sampleCount, total, gap });
      };
      try {
        await executeRun(prepared, {
          verifiers: req.verifiers,
          concurrency: prepared.config.concurrency,
          cacheDir: defaultResponseCacheDir(),
          ...(apiKey ? { apiKey } : {}),
          onEvent: (event) => {
            const row = model.apply(event);
            const open = this.panels.get(dir);
            open?.apply(event);
            if (row) live.update(gapInputOf(row));
            if (event.type === (countVerifications ? 'verification' : 'generation')) done++;
            if (event.type === 'generation') open?.setProgress(progressNow('running'));
            const gap = gapNow();
            report(`${done}/${work}${gap ? ` · ${gap}` : ''}`);
            status(true, gap);
          },
          onMessage: (m) => log.warn(m),
          onDownloadProgress: (got, size) => report(`downloading the model: ${Math.round((100 * got) / Math.max(size, 1))} % of ${Math.round(size / 1e6)} MB`),
          signal: controller.signal,
        });
        this.panels.get(dir)?.setProgress(progressNow('done'));
        report('done', true);
        const gap = gapText(live.reading());
        log.info(`${manifest.id} finished${gap ? `: ${gap}` : ''}`);
      } catch (err) {
        const resume = `Everything finished so far is saved in ${dir}; "Gap Lens: Open Run…" resumes it.`;
        if (controller.signal.aborted) {
          this.panels.get(dir)?.setProgress(progressNow('cancelled', `Cancelled. ${resume}`));
          log.info(`${manifest.id} cancelled`);
          return;
        }
        const message = err instanceof Error ? err.message : String(err);
        this.panels.get(dir)?.setProgress(progressNow('failed', message));
        if (err instanceof BackendError || err instanceof UserError) throw new UserError(`${message}\n${resume}`);
        throw err;
      } finally {
        cancel.dispose();
        status(false);
      }
    });
  }

  /** The key stored for the run's server, if it is one (llama runs need none). */
  private async apiKeyFor(modelSpec: string): Promise<string | undefined> {
    const spec = parseModelSpec(modelSpec);
    return spec.backend === 'openai' ? this.keys.get(spec.baseUrl) : undefined;
  }
}
