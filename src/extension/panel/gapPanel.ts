// The host side of one gap panel (a WebviewPanel showing one run): its HTML shell, the ready
// handshake (messages wait until the webview says 'ready', which is answered with a full snapshot),
// validation of everything the webview sends, annotations, live updates at most 4 times a second, and
// the run's state (coverage, live) that every number in the panel rests on.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import * as vscode from 'vscode';
import { reportSelector } from '../../core/config/runRules';
import type { GapCheckEvent } from '../../core/pipeline/gapCheck';
import { parseFilter, parseSelector } from '../../core/filter/parse';
import { appendAnnotation } from '../../core/runs/annotations';
import { liveLockHolder } from '../../core/runs/runLock';
import type { AnnotationRecord } from '../../core/runs/records';
import { sampleKey } from '../../core/runs/sampleKey';
import {
  createMessageQueue,
  handleWebviewMessage,
  type HostMessage,
  type HostNotificationParams,
  type MessageQueue,
  type PanelState,
  type RequestParams,
  type RequestResults,
  type RunAction,
  type RunStateParams,
  type SampleRow,
  type WebviewHandlers,
} from '../../protocol/panelProtocol';
import { LiveGap, type GapNow } from '../../core/pipeline/liveGap';
import { readRunNotes, type RunNotes } from '../run/runNotes';
import { panelTitle, runName } from '../views/runItems';
import type { RunStatus } from '../views/statusText';
import { DisposableStore } from '../disposables';
import { createNonce, webviewHtml } from './panelHtml';
import type { PanelMemory } from './panelMemory';
import { PanelAudit } from './panelAudit';
import { gapInputOf, type RunModel } from './runModel';
import { snapshotMessages } from './snapshot';

export type ProgressParams = HostNotificationParams['progress'];

export interface PanelDeps {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  memory: PanelMemory;
  /** The panel's filter, grades or live state changed (status bar); debounced. */
  onChanged(panel: GapPanel): void;
  onActive(panel: GapPanel, active: boolean): void;
  onDisposed(panel: GapPanel): void;
  /** What Restricted Mode ignores of the workspace's settings for the run, in one line; undefined: nothing (or trusted). */
  restrictedNote?(): string | undefined;
}

/** At most 4 live updates per second: the panel recomputes every statistic on each. */
const FLUSH_MS = 250;
/** The status bar follows the panel's filter after the slider rests this long (recomputing is O(samples)). */
const CHANGED_DEBOUNCE_MS = 300;

/** Bundle files the webview loads; a style file the panel bundle does not produce is left out. */
export const PANEL_SCRIPTS = ['dist/webview.js'] as const;
export const PANEL_STYLES = ['dist/webview.css', 'media/panel.css'] as const;

export class GapPanel implements vscode.Disposable {
  /** The panel's listeners: released with it. */
  private readonly owned = new DisposableStore();
  private readonly queue: MessageQueue;
  private readonly pendingRows = new Map<string, SampleRow>();
  private pendingProgress = false;
  /** The run's records or live state changed since the webview last heard: send 'runState'. */
  private pendingState = false;
  /** Another process holds the run's lock (looked up when the panel opens or reloads). */
  private otherWriter = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private changedTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** The run's audit (audit.json) and its evaluation over this panel's rows. */
  private readonly audit: PanelAudit;
  /** The rows changed since the webview last heard about the audit: send 'audit' once the run is not streaming. */
  private pendingAudit = false;
  /** The gap under the panel's filter, updated record by record; built on first use after a filter change. */
  private live: LiveGap | null = null;
  /** The run's label and how the extension's last execution of it ended (gaplens-ui.json). */
  private notes: RunNotes = {};
  /** The panel's current filter (the run's own until the webview reports a change). */
  selector: string;
  filter: string;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private model: RunModel,
    private annotations: AnnotationRecord[],
    private progress: ProgressParams,
    private readonly deps: PanelDeps,
    restored: PanelState | null = null,
  ) {
    const start = startingFilter(model.summary);
    this.selector = start.selector;
    this.filter = start.filter;
    // A panel brought back after a window reload shows the filter saved in its state, not the run's
    // own: start from that one too, so the status bar agrees with the panel at once instead of only
    // after the webview has loaded, rendered and reported it (seconds at 10^5 samples, never while
    // the panel stays in a background tab).
    if (restored && restored.runId === model.runId && restored.selector !== '') {
      try {
        this.setFilter(restored.selector, restored.filter);
      } catch (err) {
        deps.log.warn(`the restored panel of ${model.runId} saved an invalid filter; showing the run's own: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.queue = createMessageQueue((m) => this.post(m));
    this.audit = new PanelAudit(model.dir);
    void this.loadAudit();
    configureWebview(panel, deps.extensionUri, this.title());
    void this.loadNotes();
    this.owned.add(
      panel.webview.onDidReceiveMessage((raw: unknown) =>
        handleWebviewMessage(raw, this.handlers(), (reply) => this.post(reply), (m) => deps.log.warn(m)),
      ),
    );
    this.owned.add(
      panel.onDidChangeViewState(() => {
        // A hidden webview is discarded (no retainContextWhenHidden): hold messages until it is
        // back and says 'ready' again; the snapshot then brings it up to date.
        if (!panel.visible) this.queue.close();
        deps.onActive(this, panel.active);
      }),
    );
    this.owned.add(panel.onDidDispose(() => this.dispose()));
    void this.lookForWriter();
  }

  get runId(): string {
    return this.model.runId;
  }

  get dir(): string {
    return this.model.dir;
  }

  get isRunning(): boolean {
    return this.progress.status === 'running';
  }

  /** A writer is adding records: this window runs it, or another process holds the run's lock. */
  get isLive(): boolean {
    return this.isRunning || this.otherWriter;
  }

  /** Shows another state of the same run (e.g. re-verification starting): a fresh snapshot. */
  reset(model: RunModel, annotations: AnnotationRecord[], progress: ProgressParams): void {
    this.model = model;
    this.live = null;
    this.annotations = annotations;
    this.progress = progress;
    this.pendingRows.clear();
    this.panel.title = this.title();
    if (this.queue.isOpen) this.queue.ready(this.snapshot());
    void this.lookForWriter();
    void this.loadAudit();
    void this.loadNotes();
  }

  /** (Re)reads the run's label and ending (after Label Run… or a run ended): the title and status bar follow. */
  async loadNotes(): Promise<void> {
    const notes = await readRunNotes(this.dir, (m) => this.deps.log.warn(m));
    if (this.disposed) return;
    this.notes = notes;
    this.panel.title = this.title();
    this.changed();
  }

  /**
   * A streamed record, already applied to the run's model by its owner (the run executor, whose
   * model this panel shows): updates the webview within FLUSH_MS. `row` is the row it changed.
   */
  recorded(event: GapCheckEvent, row: SampleRow | undefined): void {
    if (event.type !== 'task-done') {
      // Every record changes the coverage, a failed generation too (it has no row).
      this.pendingState = true;
      this.scheduleFlush();
    }
    if (row) {
      this.audit.rowsChanged();
      this.pendingAudit = true;
      this.live?.update(gapInputOf(row));
      this.pendingRows.set(sampleKey(row.task, row.index), row);
    }
  }

  setProgress(progress: ProgressParams): void {
    this.progress = progress;
    this.pendingProgress = true;
    this.pendingState = true; // running or not is part of being live
    if (progress.status === 'running') this.scheduleFlush();
    else this.flush();
  }

  /** Where the run's batches stand (docs/batch.md, "Progress"); null clears it. */
  setBatch(params: HostNotificationParams['batch']): void {
    this.queue.send({ kind: 'notify', method: 'batch', params });
  }

  /** The live figures of the run's models served by several endpoints; an empty list clears them. */
  setEndpoints(params: HostNotificationParams['endpoints']): void {
    this.queue.send({ kind: 'notify', method: 'endpoints', params });
  }

  /** Forwards an editor command (Next Disagreement) to the webview. */
  command(command: HostNotificationParams['command']['command']): void {
    this.reveal();
    this.queue.send({ kind: 'notify', method: 'command', params: { command } });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** The gap by the panel's current filter, over every sample so far (what the status bar shows); null when it has no verifier. */
  gapNow(): GapNow | null {
    if (!this.live) {
      try {
        this.live = new LiveGap(this.selector, this.filter);
      } catch {
        return null;
      }
      this.live.updateColumns(this.model.gapRows());
    }
    return this.live.now();
  }

  /** The run as the status bar shows it. */
  status(): RunStatus {
    const { ended } = this.notes;
    return { runId: this.runId, name: runName(this.model.summary, this.notes.label), dir: this.dir, running: this.isRunning, live: this.isLive, coverage: this.model.coverage(), gap: this.gapNow(), ...(ended ? { ended } : {}) };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.flushTimer);
    clearTimeout(this.changedTimer);
    this.owned.dispose();
    this.panel.dispose();
    this.deps.onDisposed(this);
  }

  private post(message: HostMessage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    // While the webview is away its next 'ready' gets a full snapshot: nothing to hold.
    if (!this.queue.isOpen) {
      this.pendingRows.clear();
      this.pendingProgress = false;
      this.pendingState = false;
      this.pendingAudit = false;
      return;
    }
    if (this.pendingRows.size > 0) {
      const rows = [...this.pendingRows.values()];
      this.pendingRows.clear();
      this.queue.send({ kind: 'notify', method: 'samples', params: { tasks: [], rows } });
    }
    if (this.pendingState) {
      this.pendingState = false;
      this.queue.send(this.runStateMessage());
    }
    // An audit is drawn again from its plan on every evaluation: not while records stream in.
    if (this.pendingAudit && !this.isRunning) {
      this.pendingAudit = false;
      if (this.audit.current) this.queue.send(this.auditMessage());
    }
    if (this.pendingProgress) {
      this.pendingProgress = false;
      this.queue.send({ kind: 'notify', method: 'progress', params: this.progress });
    }
  }

  /** Parses first (throwing on a bad one): the status bar and Export Kept Samples use these. */
  private setFilter(selector: string, filter: string): void {
    parseSelector(selector);
    parseFilter(filter);
    this.selector = selector;
    this.filter = filter;
    this.live = null;
  }

  private changed(): void {
    clearTimeout(this.changedTimer);
    this.changedTimer = setTimeout(() => this.deps.onChanged(this), CHANGED_DEBOUNCE_MS);
  }

  /** The whole current state, init first (snapshot.ts). */
  private snapshot(): HostMessage[] {
    const { annotations, progress } = this;
    return snapshotMessages(this.model, { annotations, audit: this.audit.params(this.model, annotations), runState: this.runState(), progress, hiddenColumns: this.deps.memory.hiddenColumns(this.runId) });
  }

  /** What the run's records cover (counted as core counts a run folder) and whether a writer is adding records. */
  private runStateMessage(): HostMessage {
    return { kind: 'notify', method: 'runState', params: this.runState() };
  }

  private runState(): RunStateParams {
    return { coverage: this.model.coverage(), live: this.isLive };
  }

  /**
   * Whether another process writes the run (`gaplens run` in a terminal, another window): its lock
   * says so. This window's own run holds the lock too, but that one is known from the progress.
   */
  private async lookForWriter(): Promise<void> {
    const holder = await liveLockHolder(this.dir).catch(() => null);
    const other = holder !== null && !(holder.pid === process.pid && holder.host === hostname());
    if (other === this.otherWriter || this.disposed) return;
    this.otherWriter = other;
    this.pendingState = true;
    this.flush();
    this.changed(); // the status bar says live too
  }

  private handlers(): WebviewHandlers {
    return {
      ready: () => {
        this.pendingRows.clear();
        this.pendingProgress = false;
        this.pendingState = false;
        this.queue.ready(this.snapshot());
        const note = this.deps.restrictedNote?.();
        if (note !== undefined) this.queue.send({ kind: 'notify', method: 'restricted', params: { note } });
        void this.lookForWriter();
      },
      manageTrust: () => void vscode.commands.executeCommand('workbench.trust.manage'),
      columnsChanged: ({ hidden }) => void this.deps.memory.setHiddenColumns(this.runId, hidden),
      filterChanged: ({ selector, filter }) => {
        this.setFilter(selector, filter);
        this.changed();
      },
      annotate: (p) => this.annotate(p),
      drawAudit: (p) => this.drawAudit(p),
      markAnswer: (p) => this.markAnswer(p),
      openSample: (p) => this.openSample(p),
      sampleDetail: async ({ task, index }) => ({ row: this.sampleRow(task, index) }),
      runAction: async ({ action }) => {
        this.runAction(action);
        return {};
      },
      copy: async ({ text }) => {
        await vscode.env.clipboard.writeText(text);
        return {};
      },
    };
  }

  private async annotate(p: RequestParams['annotate']): Promise<RequestResults['annotate']> {
    const audit = p.audit ? this.audit.tag(p.task, p.index, p.audit.id) : undefined;
    const { task, index, cause, human, note } = p;
    const record = await appendAnnotation(this.model.dir, { task, index, ...(cause ? { cause } : {}), ...(human ? { human } : {}), ...(audit ? { audit } : {}), note });
    this.annotations.push(record);
    this.deps.log.info(`annotated ${task} #${index} as ${[cause, human && `answer ${human}`, audit && `in ${audit.id}`].filter(Boolean).join(', ')} in ${this.model.dir}`);
    this.queue.send({ kind: 'notify', method: 'annotations', params: { records: [record] } });
    if (audit) this.queue.send(this.auditMessage());
    return { record };
  }

  /** Draws a new audit with the webview's filter; replacing the run's audit needs the user's yes. */
  private async drawAudit(p: RequestParams['drawAudit']): Promise<RequestResults['drawAudit']> {
    const confirm = async (replacing: string): Promise<boolean> =>
      (await vscode.window.showWarningMessage(`Replace ${replacing} with a new audit of ${p.size} samples? Its labels stay in annotations.jsonl.`, { modal: true }, 'Replace')) === 'Replace';
    const audit = await this.audit.draw(this.model, p, confirm);
    this.deps.log.info(`drew ${audit.id} (${audit.samples.length} samples, ${audit.selector}, ${audit.filter}, seed ${audit.seed}) in ${this.model.dir}`);
    this.queue.send(this.auditMessage());
    return { id: audit.id };
  }

  /** Reads audit.json (again) and tells the webview. */
  private async loadAudit(): Promise<void> {
    try {
      await this.audit.load(this.model);
      if (!this.disposed) this.queue.send(this.auditMessage());
    } catch (err) {
      this.deps.log.warn(`cannot read the audit of ${this.model.dir}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private auditMessage(): HostMessage {
    return { kind: 'notify', method: 'audit', params: this.audit.params(this.model, this.annotations) };
  }

  private async markAnswer(p: RequestParams['markAnswer']): Promise<RequestResults['markAnswer']> {
    const rows = this.model.markAnswer(p.task, p.answer);
    for (const row of rows) this.live?.update(gapInputOf(row));
    await this.deps.memory.markAnswer(this.model.runId, p.task, p.answer.trim());
    const info = this.model.taskInfo(p.task);
    this.queue.send({ kind: 'notify', method: 'samples', params: { tasks: info ? [info] : [], rows } });
    this.changed();
    return { regraded: rows.length };
  }

  private title(): string {
    return panelTitle(this.model.summary, this.model.summary.createdAt, this.notes.label);
  }

  /**
   * Starts the command on this run through VS Code (the panel does not reach into the commands): a
   * resume lasts as long as the run, so the webview's request is answered once it has started, and
   * the command reports its own errors.
   */
  private runAction(action: RunAction): void {
    this.deps.log.info(`panel of ${this.model.runId}: ${action}`);
    void vscode.commands.executeCommand(RUN_ACTION_COMMANDS[action], this.dir);
  }

  private sampleRow(task: string, index: number): SampleRow {
    const row = this.model.row(task, index);
    if (!row) throw new Error(`no sample ${index} of task "${task}" in this run`);
    return row;
  }

  private async openSample(p: RequestParams['openSample']): Promise<RequestResults['openSample']> {
    const row = this.sampleRow(p.task, p.index);
    const doc = await vscode.workspace.openTextDocument({ content: row.text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    return {};
  }
}

/** The filter a new panel of the run starts with (the run's own), also what a run without a panel shows in the status bar. */
export function startingFilter(summary: RunModel['summary']): { selector: string; filter: string } {
  return { selector: reportSelector(summary, summary.selector), filter: summary.filter };
}

/** The command each run action of the panel's bar runs on the panel's run folder. */
const RUN_ACTION_COMMANDS: Record<RunAction, string> = {
  resume: 'gaplens.resumeRun',
  cancel: 'gaplens.cancelRun',
  reverify: 'gaplens.reverifyRun',
  delete: 'gaplens.deleteRun',
  label: 'gaplens.labelRun',
  editTemplate: 'gaplens.editVerifierTemplate',
};

/** Webview options and HTML: scripts on, resources only from dist/ and media/, strict CSP. */
function configureWebview(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, title: string): void {
  const webview = panel.webview;
  webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: panelResourceRoots(extensionUri) };
  panel.title = title;
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
  const asset = (path: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path.split('/'))).toString();
  const present = (path: string): boolean => existsSync(vscode.Uri.joinPath(extensionUri, ...path.split('/')).fsPath);
  webview.html = webviewHtml({
    title,
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scripts: PANEL_SCRIPTS.map(asset),
    styles: PANEL_STYLES.filter(present).map(asset),
    body: '<div id="root"></div>',
  });
}

export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** The panel options every gap panel is created with (also applied to restored panels). */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, enableFindWidget: true, retainContextWhenHidden: false, localResourceRoots: panelResourceRoots(extensionUri) };
}
