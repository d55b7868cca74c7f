// Which workspace files are task files: `*.tasks.jsonl`, plus every pattern the user associated
// with the task-file language in `files.associations`. Pure.
import { TASK_LANGUAGE_ID } from '../services';

export const TASK_FILE_PATTERN = '**/*.tasks.jsonl';

/**
 * One findFiles glob for all task files. An association pattern without a '/' matches file names
 * anywhere (as VS Code applies it), so it gets a leading globstar.
 */
export function taskFileGlob(associations: Readonly<Record<string, unknown>> | undefined): string {
  const patterns = new Set([TASK_FILE_PATTERN]);
  for (const [pattern, language] of Object.entries(associations ?? {})) {
    if (language !== TASK_LANGUAGE_ID || pattern.trim() === '') continue;
    const p = pattern.trim();
    // Braces nest badly inside the outer {a,b} group; such patterns are left to the editor.
    if (/[{},]/.test(p)) continue;
    patterns.add(p.includes('/') ? p : `**/${p}`);
  }
  return patterns.size === 1 ? TASK_FILE_PATTERN : `{${[...patterns].join(',')}}`;
}
