import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO, tempDir } from './browserHarness';

describe('webview bundle', function () {
  this.timeout(60_000);

  it('builds for the browser from the pure parts of the project only', async () => {
    const dir = tempDir();
    try {
      const { webviewBuildOptions } = (await import(path.join(REPO, 'webview/buildOptions.mjs'))) as { webviewBuildOptions: Record<string, unknown> };
      const result = await build({ ...webviewBuildOptions, absWorkingDir: REPO, outfile: path.join(dir, 'webview.js'), metafile: true, logLevel: 'silent' });
      const inputs = Object.keys(result.metafile.inputs);
      // platform 'browser' already fails the build on a node: import; this also names what must stay out.
      const forbidden = inputs.filter((f) => /^node:|^src\/(extension|cli|server)\/|^src\/core\/(util\/(hash|assets)|llm|pipeline|tasks\/load|runs\/(runStore|annotations|sampleLog|files))|node_modules\/(vscode|node-llama-cpp|openai)\//.test(f));
      assert.deepEqual(forbidden, []);
      assert.ok(inputs.includes('src/protocol/panelProtocol.ts'));
      assert.ok(inputs.includes('src/core/stats/bootstrap.ts'));
      const code = fs.readFileSync(path.join(dir, 'webview.js'), 'utf8');
      assert.ok(!/\brequire\(["']/.test(code), 'the IIFE must not call require()');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
