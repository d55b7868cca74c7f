// Everything a command needs, built once when the on-demand bundle loads.
import type * as vscode from 'vscode';
import type { ApiKeys } from '../config/apiKeys';
import type { WorkspaceSettings } from '../config/workspaceSettings';
import type { PanelMemory } from '../panel/panelMemory';
import type { PanelRegistry } from '../panel/panelRegistry';
import type { RunExecutor } from './runExecutor';
import type { RunIndex } from '../run/runIndex';
import type { Services } from '../services';
import type { Prompter } from '../ui/prompter';

export interface CommandContext {
  services: Services;
  workspace: WorkspaceSettings;
  prompter: Prompter;
  runs: RunIndex;
  panels: PanelRegistry;
  executor: RunExecutor;
  keys: ApiKeys;
  memory: PanelMemory;
  /** Takes ownership of a webview panel a command opened (disposed with the extension unless closed first). */
  ownPanel(panel: vscode.WebviewPanel): void;
}
