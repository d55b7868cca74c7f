// Where runs go and are listed from: the one rule the CLI (--runs-dir), the extension
// (gaplens.runsFolder) and the language server (hovers) share.
import { isAbsolute, resolve } from 'node:path';

/** Relative to the working directory (CLI) or to each workspace folder (extension, language server). */
export const DEFAULT_RUNS_FOLDER = '.gaplens/runs';

/** A runs-folder setting as written: the trimmed path; null when it is not a non-empty string. */
export function runsFolderSetting(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The runs folder of a workspace folder: `runsFolder` as is when absolute, else inside the workspace folder. */
export function runsRootIn(runsFolder: string, workspaceFolder: string): string {
  return isAbsolute(runsFolder) ? runsFolder : resolve(workspaceFolder, runsFolder);
}

/** Where runs go: runsRootIn the workspace folder; without a workspace, an absolute `runsFolder` as is, else inside the extension's global storage. */
export function resolveRunsRoot(runsFolder: string, workspaceFolder: string | undefined, globalStorage: string): string {
  if (workspaceFolder !== undefined) return runsRootIn(runsFolder, workspaceFolder);
  return isAbsolute(runsFolder) ? runsFolder : resolve(globalStorage, 'runs');
}
