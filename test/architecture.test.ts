// The import boundaries of eslint.config.mjs (`npm run lint`, part of `npm test`) refuse what they
// should: each folder's rule is run on a small file placed, in thought, in that folder.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { REPO } from './helpers/cli';

const eslint = new ESLint({ cwd: REPO });

/** The messages of the boundary rules for `code` as the file `path` (relative to the repository). */
async function refusals(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO, path) });
  assert.ok(result, `eslint returned no result for ${path}`);
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${path} did not parse`);
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

/** `code` in `path` is refused, and one of the reasons given matches `why` (a specifier may cross two boundaries). */
async function assertRefused(path: string, code: string, why: RegExp): Promise<void> {
  const messages = await refusals(path, code);
  assert.ok(messages.some((m) => why.test(m)), `${path}: expected ${JSON.stringify(code)} refused with ${String(why)}, got ${JSON.stringify(messages)}`);
}

async function assertAllowed(path: string, code: string): Promise<void> {
  assert.deepEqual(await refusals(path, code), [], `${path}: ${JSON.stringify(code)} should be allowed`);
}

describe('architecture: import boundaries (eslint.config.mjs)', function () {
  this.timeout(60_000);

  it('src/core imports no vscode and nothing of the layers over it, statically or with import()', async () => {
    await assertRefused('src/core/stats/probe.ts', "import * as vscode from 'vscode';", /only src\/extension imports 'vscode'/);
    await assertRefused('src/core/stats/probe.ts', "import { main } from '../../cli/main';", /src\/core is the pure core/);
    await assertRefused('src/core/probe.ts', "export { x } from '../extension/main';", /src\/core is the pure core/);
    await assertRefused('src/core/stats/probe.ts', "import type { HostMessage } from '../../protocol/panelProtocol';", /src\/core is the pure core/);
    await assertRefused('src/core/stats/probe.ts', "export const load = () => import('vscode');", /no-restricted-dynamic-imports: .*only src\/extension imports 'vscode'/);
    await assertRefused('src/core/stats/probe.ts', "export const load = () => require('../../server/main');", /src\/core is the pure core/);
    await assertAllowed('src/core/stats/probe.ts', "import { z } from 'zod';\nimport { plural } from '../util/plural';\nimport { version } from '../../../package.json';");
  });

  it('node-llama-cpp is only loaded lazily: a static import is refused, a type import or import() is not', async () => {
    await assertRefused('src/core/llm/probe.ts', "import { getLlama } from 'node-llama-cpp';", /load it lazily/);
    await assertRefused('src/extension/probe.ts', "import 'node-llama-cpp';", /load it lazily/);
    await assertAllowed('src/core/llm/probe.ts', "import type { Llama } from 'node-llama-cpp';\nexport const load = () => import('node-llama-cpp');");
  });

  it('the CLI, the server and the protocol stay out of the extension and of each other; only the extension imports vscode', async () => {
    await assertRefused('src/cli/commands/probe.ts', "import { activate } from '../../extension/main';", /the CLI is a thin layer/);
    await assertRefused('src/cli/probe.ts', "import * as vscode from 'vscode';", /only src\/extension/);
    await assertRefused('src/server/probe.ts', "import * as vscode from 'vscode';", /only src\/extension/);
    await assertRefused('src/server/probe.ts', "import { activate } from '../extension/main';", /the language server runs outside VS Code/);
    await assertAllowed('src/server/probe.ts', "import { createConnection } from 'vscode-languageserver/node';\nimport { loadTasks } from '../core/tasks/load';");
    await assertRefused('src/protocol/probe.ts', "import { GapPanel } from '../extension/panel/gapPanel';", /src\/protocol holds types and validators/);
    await assertRefused('src/extension/probe.ts', "import { main } from '../cli/main';", /the extension reaches the CLI/);
    await assertAllowed('src/extension/panel/probe.ts', "import * as vscode from 'vscode';\nimport { parseFilter } from '../../core/filter/parse';");
  });

  it('webview/ imports only the panel protocol and the pure core modules it is allowed', async () => {
    await assertRefused('webview/ui/probe.ts', "import { readRun } from '../../src/core/runs/runStore';", /webview\/ imports only/);
    await assertRefused('webview/model/probe.ts', "import { hashText } from '../../src/core/util/hash';", /webview\/ imports only/);
    await assertRefused('webview/probe.ts', "import { readFileSync } from 'node:fs';", /browser bundle/);
    await assertRefused('webview/probe.ts', "import { activate } from '../src/extension/main';", /webview\/ imports only/);
    await assertAllowed(
      'webview/ui/probe.ts',
      "import type { HostMessage } from '../../src/protocol/panelProtocol';\nimport { formatRate } from '../../src/core/report/numbers';\nimport { sampleKey } from '../../src/core/runs/sampleKey';",
    );
  });

  it("src/extension's folders import one way: never a folder above, never an entry", async () => {
    const layered = /src\/extension is layered one way/;
    await assertRefused('src/extension/panel/probe.ts', "import type { TaskFileRef } from '../commands/runPlan';", layered);
    await assertRefused('src/extension/views/probe.ts', "import { webviewHtml } from '../panel/panelHtml';", layered);
    await assertRefused('src/extension/tasks/probe.ts', "import { runConfigOf } from '../commands/runPlan';", layered);
    await assertRefused('src/extension/run/probe.ts', "import { runName } from '../views/runItems';", layered);
    await assertRefused('src/extension/ui/probe.ts', "import { readGapLensSettings } from '../config/settings';", layered);
    await assertRefused('src/extension/services.ts', "import type { StatusView } from './views/statusText';", layered);
    await assertRefused('src/extension/commands/probe.ts', "export const load = () => import('../onDemand');", layered);
    await assertAllowed(
      'src/extension/commands/probe.ts',
      "import { GapPanel } from '../panel/gapPanel';\nimport { runName } from '../views/runItems';\nimport type { Services } from '../services';\nimport { DisposableStore } from '../disposables';",
    );
    await assertAllowed('src/extension/main.ts', "import { RunStatusBar } from './views/statusBar';\nexport const load = () => import('./onDemand');");
  });

  it('outside src/protocol the panel protocol is imported through its entry, not its parts', async () => {
    await assertRefused('webview/probe.ts', "import { parseHostMessage } from '../src/protocol/panel/validate';", /from src\/protocol\/panelProtocol/);
    await assertRefused('src/extension/panel/probe.ts', "import { createMessageQueue } from '../../protocol/panel/hostQueue';", /from src\/protocol\/panelProtocol/);
    await assertAllowed('src/protocol/probe.ts', "import { parseHostMessage } from './panel/validate';");
  });
});
