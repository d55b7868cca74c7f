// Show Self-Improvement Series… in VS Code: Export Kept Samples… writes the lineage a round-1 run
// (made by the CLI with --lineage) names, and the command shows the rounds in lineage order, the same
// page as `gaplens report --series --html`. Built bundle, fake VS Code, a real HTTP model server
// whose two "rounds" (model names) answer 1 and 2 of 4 samples right.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../../fixtures/openaiServer';
import { runCli } from '../../helpers/cli';
import { cleanEnv, roundsResponder, writeTasks } from '../../helpers/runs';
import { activateInSandbox, closeExtension, extensionSandbox, type ExtensionModule, type ExtensionSandbox } from '../fakes/extensionSandbox';
import { pick, type FakeVscode, type FakeWebviewPanel } from '../fakes/fakeVscode';

const respond = roundsResponder({ round0: 1, round1: 2 });

describe('Show Self-Improvement Series… (built bundle, fake VS Code, real HTTP model server)', function () {
  this.timeout(60_000);
  let sandbox: ExtensionSandbox;
  let server: FakeOpenAI;
  let fake: FakeVscode;
  let ext: ExtensionModule;
  const dir = (name: string): string => join(sandbox.ws, name);

  async function cliRun(name: string, tasks: string, lineage?: string): Promise<void> {
    const args = ['run', '--tasks', tasks, '--model', `openai:${name}@${server.url}`, '-n', '4', '--verifier', 'mc', '--filter', 'threshold:0.5', '--out', dir(name), '--no-cache'];
    const res = await runCli([...args, ...(lineage ? ['--lineage', lineage] : [])], { env: cleanEnv(sandbox.tmp) });
    assert.equal(res.code, 0, res.stderr);
  }

  before(async () => {
    sandbox = extensionSandbox();
    server = await startFakeOpenAI({ respond });
    writeTasks(dir('rounds.tasks.jsonl'), 3);
    await cliRun('round0', dir('rounds.tasks.jsonl'));
    ({ fake, ext } = activateInSandbox(sandbox, { settings: { 'gaplens.runsFolder': '.gaplens/runs' } }));
  });

  after(async () => {
    await closeExtension(ext, fake);
    await server?.close();
    sandbox?.cleanup();
  });

  it('Export Kept Samples… writes the lineage that run --lineage reads, and the series page shows the rounds in lineage order', async () => {
    const out = dir('kept.jsonl');
    fake.recorded.savePath = out;
    fake.recorded.quickPicks.push(pick('threshold:0.5'));
    await fake.recorded.commands.get('gaplens.exportKept')?.({ runDir: dir('round0') });
    assert.ok(existsSync(`${out}.lineage.json`), 'no lineage next to the export');
    assert.equal((JSON.parse(readFileSync(`${out}.lineage.json`, 'utf8')) as { filter: string }).filter, 'threshold:0.5');
    await cliRun('round1', dir('rounds.tasks.jsonl'), out);

    // Tree selection order: the later round first.
    await fake.recorded.commands.get('gaplens.showSeries')?.({ runDir: dir('round1') }, [{ runDir: dir('round1') }, { runDir: dir('round0') }]);
    assert.deepEqual(fake.recorded.messages.filter((m) => m.level === 'error'), []);
    const page = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    assert.equal(page.viewType, 'gaplens.series');
    assert.equal(page.options.enableScripts, false);
    assert.doesNotMatch(page.webview.html, /<script/);
    const rows = [...page.webview.html.matchAll(/<tr><td>(\d)<\/td><td class="text">([^<]+)<\/td><td class="text">([^<]+)<\/td><td>([^<]+)<\/td>/g)].map((m) => [m[1], m[3], m[4]]);
    assert.deepEqual(rows, [
      ['0', `openai:round0@${server.url}`, '25.00 % 95 % CI n/a (every resample gives the same value)'],
      ['1', `openai:round1@${server.url}`, '50.00 % 95 % CI n/a (every resample gives the same value)'],
    ]);
    assert.match(page.webview.html, /round 1 vs round 0 accuracy plus its gap: 50\.00 % vs 100\.00 %: excess −50\.00 pp/);
    assert.match(page.webview.html, /<polyline class="line s-1"/);
  });

  it('says why when the runs are not one series (a round on other tasks)', async () => {
    writeTasks(dir('other.tasks.jsonl'), 2);
    await cliRun('other', dir('other.tasks.jsonl'), dir('kept.jsonl'));
    const pages = fake.recorded.panels.length;
    await fake.recorded.commands.get('gaplens.showSeries')?.({ runDir: dir('round0') }, [{ runDir: dir('round0') }, { runDir: dir('other') }]);
    assert.equal(fake.recorded.panels.length, pages, 'a page was opened');
    assert.match(fake.recorded.messages.at(-1)?.text ?? '', /^Gap Lens: .*round0 and .*other ran on different task sets/);
  });
});
