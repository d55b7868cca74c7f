// The open gap panels, one per run folder: opening a run that already has a panel reveals it. Tracks
// the active panel for Next Disagreement, Export Kept Samples and the status bar.
import * as vscode from 'vscode';
import type { AnnotationRecord } from '../../core/runs/records';
import type { PanelState } from '../../protocol/panelProtocol';
import { PANEL_ACTIVE_CONTEXT, PANEL_VIEW_TYPE, type Services } from '../services';
import { statusView, type RunStatus } from '../views/statusText';
import { GapPanel, panelOptions, type ProgressParams } from './gapPanel';
import type { PanelMemory } from './panelMemory';
import type { RunModel } from './runModel';

export class PanelRegistry implements vscode.Disposable {
  private readonly panels = new Map<string, GapPanel>();
  private active: GapPanel | undefined;
  /** The panel focused last, even if focus has moved to an editor since. */
  private lastFocused: GapPanel | undefined;

  constructor(
    private readonly services: Services,
    private readonly memory: PanelMemory,
    /** What Restricted Mode ignores for a run folder (the note above its panel). */
    private readonly restrictedNote: (dir: string) => string | undefined = () => undefined,
  ) {}

  get(dir: string): GapPanel | undefined {
    return this.panels.get(dir);
  }

  /** The active panel, else the one focused last. */
  current(): GapPanel | undefined {
    return this.active ?? this.lastFocused;
  }

  /** Shows `model` in its run's panel, creating the panel if there is none. */
  show(model: RunModel, annotations: AnnotationRecord[], progress: ProgressParams): GapPanel {
    void this.memory.rememberDir(model.runId, model.dir);
    const existing = this.panels.get(model.dir);
    if (existing) {
      existing.reset(model, annotations, progress);
      existing.reveal();
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Gap Lens', vscode.ViewColumn.Active, panelOptions(this.services.context.extensionUri));
    return this.adopt(webviewPanel, model, annotations, progress);
  }

  /**
   * A panel VS Code made: brought back after a reload (the serializer, with the state its webview
   * saved) or a run file's custom editor (no state). It replaces the run's other panel, if any.
   */
  restore(webviewPanel: vscode.WebviewPanel, model: RunModel, annotations: AnnotationRecord[], progress: ProgressParams, state: PanelState | null): GapPanel {
    this.panels.get(model.dir)?.dispose();
    return this.adopt(webviewPanel, model, annotations, progress, state);
  }

  close(dir: string): void {
    this.panels.get(dir)?.dispose();
  }

  /** Updates the status bar from a panel's current numbers. */
  report(panel: GapPanel): void {
    this.reportRun(panel.status());
  }

  /**
   * Shows a run in the status bar, unless a panel of another run is the one in front (or, with focus
   * in an editor, the one focused last): the status bar follows the focused panel, not whichever run
   * reported last.
   */
  reportRun(status: RunStatus): void {
    const current = this.current();
    if (current !== undefined && current.dir !== status.dir) return;
    this.services.status.show(statusView(status));
  }

  /** The run's label or ending changed on disk: its panel's title and the status bar follow. */
  notesChanged(dir: string): Promise<void> {
    return this.panels.get(dir)?.loadNotes() ?? Promise.resolve();
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
  }

  private adopt(webviewPanel: vscode.WebviewPanel, model: RunModel, annotations: AnnotationRecord[], progress: ProgressParams, state: PanelState | null = null): GapPanel {
    const panel = new GapPanel(webviewPanel, model, annotations, progress, {
      extensionUri: this.services.context.extensionUri,
      log: this.services.log,
      memory: this.memory,
      onChanged: (p) => {
        if (p === this.current()) this.report(p);
      },
      onActive: (p, active) => this.setActive(p, active),
      onDisposed: (p) => {
        if (this.panels.get(p.dir) === p) this.panels.delete(p.dir);
        if (this.lastFocused === p) this.lastFocused = undefined;
        if (this.active === p) this.setActive(p, false);
        if (!p.isRunning) this.services.status.clear(p.runId);
      },
      restrictedNote: () => this.restrictedNote(model.dir),
    }, state);
    this.panels.set(model.dir, panel);
    if (webviewPanel.active) this.setActive(panel, true);
    return panel;
  }

  private setActive(panel: GapPanel, active: boolean): void {
    if (active) {
      this.active = panel;
      this.lastFocused = panel;
      this.report(panel);
    } else if (this.active === panel) {
      this.active = undefined;
    }
    void vscode.commands.executeCommand('setContext', PANEL_ACTIVE_CONTEXT, this.active !== undefined);
  }
}
