// The webview's own TypeScript project (webview/tsconfig.json) must check the panel's files: it extends
// the root project, whose `exclude: ["webview"]` would otherwise leave every one of them unchecked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO } from './browserHarness';

describe('webview type-check', function () {
  this.timeout(60_000);

  it('covers every panel source file, not only the core modules they import', () => {
    const tsc = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const files = execFileSync(process.execPath, [tsc, '--noEmit', '-p', 'webview', '--listFilesOnly'], { cwd: REPO, encoding: 'utf8' })
      .split('\n')
      .map((f) => path.relative(REPO, f.trim()));
    for (const file of ['webview/main.ts', 'webview/ui/app.ts', 'webview/ui/statsHeader.ts', 'webview/model/dataset.ts', 'src/protocol/panelProtocol.ts']) {
      assert.ok(files.includes(file), `${file} is not type-checked by webview/tsconfig.json`);
    }
  });
});
