// Where hovers look for runs after the user changes `gaplens.runsFolder`: the same rule as the
// extension's resolveRunsRoot (absolute as is, relative to each workspace folder), which the
// server cannot import without pulling in the extension.
import { isAbsolute, resolve } from 'node:path';

/** The runs folders for a `gaplens` settings object; `current` when it names none or there is no folder to resolve against. */
export function runsFoldersFromSettings(settings: unknown, workspaceFolders: readonly string[], current: readonly string[]): readonly string[] {
  const value = typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>)['runsFolder'] : undefined;
  if (typeof value !== 'string' || value.trim() === '') return current;
  const folder = value.trim();
  if (isAbsolute(folder)) return [folder];
  return workspaceFolders.length === 0 ? current : workspaceFolders.map((w) => resolve(w, folder));
}

/** Validates initializationOptions: `{ runsFolders: string[] }`; anything else means no runs. */
export function runsFoldersFromInit(options: unknown): string[] {
  const folders = typeof options === 'object' && options !== null ? (options as Record<string, unknown>)['runsFolders'] : undefined;
  if (!Array.isArray(folders)) return [];
  return folders.filter((f): f is string => typeof f === 'string' && f !== '');
}
