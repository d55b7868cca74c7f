// Where hovers look for runs after the user changes `gaplens.runsFolder`: core's rule, as the
// extension applies it (absolute as is, relative to each workspace folder).
import { isAbsolute } from 'node:path';
import { runsFolderSetting, runsRootIn } from '../core/config/runsRoot';
import { isPlainObject } from '../core/util/plainObject';

/**
 * The runs folders for a `gaplens` settings object; `current` (what the client sent, resolved by the
 * extension) when it names none or a relative one has no workspace folder to resolve against.
 */
export function runsFoldersFromSettings(settings: unknown, workspaceFolders: readonly string[], current: readonly string[]): readonly string[] {
  const folder = runsFolderSetting(isPlainObject(settings) ? settings['runsFolder'] : undefined);
  if (folder === null) return current;
  if (workspaceFolders.length === 0) return isAbsolute(folder) ? [folder] : current;
  return [...new Set(workspaceFolders.map((w) => runsRootIn(folder, w)))];
}

/** Validates initializationOptions: `{ runsFolders: string[] }`; anything else means no runs. */
export function runsFoldersFromInit(options: unknown): string[] {
  const folders = isPlainObject(options) ? options['runsFolders'] : undefined;
  if (!Array.isArray(folders)) return [];
  return folders.filter((f): f is string => typeof f === 'string' && f !== '');
}
