// The file name parseTaskText sees for an editor document: it picks CSV vs JSONL from the name and
// puts the base name in its messages, so a real path where there is one, the URI otherwise.
import { fileURLToPath } from 'node:url';

export function documentFile(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}
