import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Absolute path of a folder shipped at the package root (e.g. `templates`). Walks up from this
 * module because the same code runs from `src/` (tests), `dist/` (CLI) and an installed extension.
 */
export function packageAsset(name: string): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, name))) return join(dir, name);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Gap Lens installation is incomplete: folder '${name}' not found above ${__dirname}`);
    dir = parent;
  }
}
