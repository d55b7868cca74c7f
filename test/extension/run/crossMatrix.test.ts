// The cross-verification matrix in Compare Runs…: built bundle, fake VS Code, runs of two models made
// by the real CLI against one real HTTP fake server (strongWeakResponder). The page's heatmap cells
// say the numbers `gaplens matrix` gives; a missing cell's link runs Re-verify Run… with the verifier
// and model that fill it, asking nothing, and the next Compare shows the cell filled.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../../fixtures/openaiServer';
import { REPO, runCli } from '../../helpers/cli';
import { strongWeakResponder } from '../../helpers/matrixModels';
import { cleanEnv, writeTasks } from '../../helpers/runs';
import { closeExtension, extensionSandbox, loadBuiltExtension, type ExtensionModule, type ExtensionSandbox } from '../fakes/extensionSandbox';
import { installFakeVscode, type FakeVscode, type FakeWebviewPanel } from '../fakes/fakeVscode';

describe('the cross-verification matrix in Compare Runs… (built bundle, fake VS Code, real CLI runs on a real HTTP server)', function () {
  this.timeout(120_000);
  let sandbox: ExtensionSandbox;
  let server: FakeOpenAI;
  let fake: FakeVscode;
  let ext: ExtensionModule;
  let strongDir: string;
  let weakDir: string;
  const model = (name: string): string => `openai:${name}@${server.url}`;

  before(async () => {
    sandbox = extensionSandbox();
    server = await startFakeOpenAI({ respond: strongWeakResponder });
    const tasks = join(sandbox.tmp, 'tasks.jsonl');
    writeTasks(tasks, 6);
    for (const name of ['strong', 'weak']) {
      const res = await runCli(['run', '--tasks', tasks, '--model', model(name), '-n', '4', '--verifier', 'mc', '--filter', 'threshold:0.5', '--out', join(sandbox.tmp, name), '--no-cache'], {
        env: cleanEnv(sandbox.tmp),
      });
      assert.equal(res.code, 0, res.stderr);
    }
    strongDir = join(sandbox.tmp, 'strong');
    weakDir = join(sandbox.tmp, 'weak');
    fake = installFakeVscode({ extensionPath: REPO, workspaceFolder: sandbox.ws, globalStorage: join(sandbox.tmp, 'global'), settings: { 'gaplens.runsFolder': '.gaplens/runs' } });
    ext = loadBuiltExtension();
    ext.activate(fake.context);
  });

  after(async () => {
    await closeExtension(ext, fake);
    await server?.close();
    sandbox?.cleanup();
  });

  async function comparePage(): Promise<FakeWebviewPanel> {
    await fake.recorded.commands.get('gaplens.compareRuns')?.([{ runDir: strongDir }, { runDir: weakDir }]);
    return fake.recorded.panels.at(-1) as FakeWebviewPanel;
  }

  /** The matrix table's cells, row by row: class and text without tags. */
  function matrixCells(page: string): { cls: string; text: string; href: string | null }[] {
    const table = /<table class="matrix">([\s\S]*?)<\/table>/.exec(page)?.[1] ?? '';
    return [...table.matchAll(/<td class="([^"]*)"[^>]*>([\s\S]*?)<\/td>/g)].map((m) => ({
      cls: m[1] as string,
      text: (m[2] as string).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim(),
      href: /href="([^"]+)"/.exec(m[2] as string)?.[1] ?? null,
    }));
  }

  it('shows the generators × verifiers heatmap: each measured cell coloured by its gap and saying it, a missing cell "—" with its fill link', async () => {
    const panel = await comparePage();
    assert.deepEqual(panel.options.enableCommandUris, ['gaplens.reverifyRun'], 'only the fill command may run from the page');
    assert.equal(panel.options.enableScripts, false);
    const page = panel.webview.html;
    assert.match(page, /<h2>Cross-verification matrix<\/h2>/);
    assert.match(page, /<th scope="col">generator f ↓, verifier g →<\/th><th scope="col">strong<\/th><th scope="col">weak<\/th>/);
    const cells = matrixCells(page);
    assert.equal(cells.length, 4);
    const [ss, sw, ws, ww] = cells as [(typeof cells)[0], (typeof cells)[0], (typeof cells)[0], (typeof cells)[0]];
    assert.equal(ss.cls, 'heat heat-p4');
    assert.match(ss.text, /^\+37\.50 pp \[\+\d+\.\d\d, \+\d+\.\d\d\] pp \(few tasks\) relative gap \+100\.00 % \(few tasks\) what it rests on run /);
    assert.equal(sw.cls, 'empty');
    assert.match(sw.text, /^— — \(missing: no run given has mc by weak over the samples of strong\) Re-verify with mc by weak gaplens reverify /);
    assert.equal(ws.cls, 'empty');
    assert.equal(ww.cls, 'heat heat-n4');
    assert.match(ww.text, /^−25\.00 pp \(few tasks\) relative gap −33\.33 % \(few tasks\)/);
    const args = JSON.parse(decodeURIComponent((sw.href as string).replace(/^command:gaplens\.reverifyRun\?/, ''))) as unknown;
    assert.deepEqual(args, [strongDir, { verifier: 'mc', model: model('weak') }]);
  });

  it("a missing cell's link re-verifies the run with that verifier and model, asking nothing; the next Compare shows the cell filled", async () => {
    const link = matrixCells((await comparePage()).webview.html)[1]?.href as string;
    const args = JSON.parse(decodeURIComponent(link.replace(/^command:gaplens\.reverifyRun\?/, ''))) as unknown[];
    await fake.recorded.commands.get('gaplens.reverifyRun')?.(...args);
    assert.deepEqual(fake.recorded.messages.filter((m) => m.level === 'error'), []);
    const config = (JSON.parse(readFileSync(join(strongDir, 'run.json'), 'utf8')) as { config: { verifiers: string[]; verifierModels?: Record<string, string> } }).config;
    assert.deepEqual(config.verifiers, ['mc', 'mc@weak']);
    assert.deepEqual(config.verifierModels, { 'mc@weak': model('weak') });
    const cells = matrixCells((await comparePage()).webview.html);
    assert.equal(cells[1]?.cls, 'heat heat-n4');
    assert.match(cells[1]?.text ?? '', /^−62\.50 pp \[/);
  });

  it('refuses a fill link whose arguments are not a verifier and a model spec, calling nothing', async () => {
    const before = server.requests.length;
    await fake.recorded.commands.get('gaplens.reverifyRun')?.(weakDir, { verifier: 'mc; rm -rf', model: null });
    assert.equal(server.requests.length, before);
    assert.match(fake.recorded.messages.at(-1)?.text ?? '', /Re-verify Run: the fill must name a verifier \(mc, cot-binary, cot-score, tournament\) and a model spec or null/);
  });
});
