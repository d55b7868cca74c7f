// Verification compute in VS Code: Run Gap Check… asks K verifications per sample for cot-score and
// writes it into run.json; the run's panel gets every draw's score from the host and computes the
// k-curve the CLI's report computes, number for number. Built bundle, fake VS Code, a real HTTP model
// server whose cot-score follows each draw's seed.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import type { RunManifest } from '../../../src/core/runs/records';
import { readRun } from '../../../src/core/runs/runStore';
import { RunModel, summaryOf } from '../../../src/extension/panel/runModel';
import type { GapReport } from '../../../src/core/stats/types';
import type { VerificationCurve } from '../../../src/core/stats/verificationCurve';
import { applyFilter, verificationCurveOf } from '../../../webview/model/analysis';
import { buildDataset } from '../../../webview/model/dataset';
import { startFakeOpenAI, type FakeOpenAI } from '../../fixtures/openaiServer';
import { runCli } from '../../helpers/cli';
import { readRunJson, seededCotScore, writeTasks } from '../../helpers/runs';
import { storeFromMessages } from '../../webview/storeFixtures';
import { activateWithProfiles, closeExtension, extensionSandbox, type ExtensionModule, type ExtensionSandbox } from '../fakes/extensionSandbox';
import { keep, pick, type, type FakeVscode, type FakeWebviewPanel } from '../fakes/fakeVscode';

const K = 3;

describe('verification compute in VS Code (built bundle, fake VS Code, a real HTTP model server)', function () {
  this.timeout(60_000);
  let sandbox: ExtensionSandbox;
  let server: FakeOpenAI;
  let fake: FakeVscode;
  let ext: ExtensionModule;

  before(async () => {
    sandbox = extensionSandbox();
    writeTasks(join(sandbox.ws, 'variants.tasks.jsonl'), 6);
    server = await startFakeOpenAI({ respond: seededCotScore });
    ({ fake, ext } = activateWithProfiles(sandbox, [{ name: 'Fake', backend: 'openai', baseUrl: server.url, model: 'fake', maxConcurrency: 4 }]));
  });

  after(async () => {
    await closeExtension(ext, fake);
    await server?.close();
    sandbox?.cleanup();
  });

  it('Run Gap Check… draws K cot-score verifications per sample (run.json verifications), and the panel’s k-curve is `gaplens report --json`’s', async () => {
    const r = fake.recorded;
    r.quickPicks.push(pick('variants.tasks.jsonl'), pick('Fake'), pick('Online'), pick('cot-score', true), pick('quantile:0.5'));
    // N, max tokens (as shown), K.
    r.inputs.push(type('4'), keep(), type(String(K)));
    await r.commands.get('gaplens.runGapCheck')?.();
    assert.deepEqual(r.quickPicks, [], 'not every scripted question was asked');
    assert.deepEqual(r.inputs, [], 'not every scripted input was asked');
    assert.deepEqual(r.messages.filter((m) => m.level === 'error'), []);
    const runs = join(sandbox.ws, '.gaplens', 'runs');
    const [id] = readdirSync(runs);
    assert.ok(id);
    const run = join(runs, id);
    const manifest = readRunJson(run) as unknown as RunManifest;
    assert.ok(manifest.completedAt, 'the run completed');
    assert.deepEqual(manifest.config.verifications, { 'cot-score': K });

    const json = await runCli(['report', run, '--json', '--filter', 'quantile:0.5']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as GapReport & { verificationCurve: VerificationCurve };
    assert.equal(report.verificationCurve.points.length, K);
    assert.ok(report.verificationCurve.points.some((p) => p.gap !== 0), 'a curve with something to compare');

    // The run's panel, as the webview receives it after its ready handshake: the draws as columns.
    const panel = r.panels.find((p) => p.viewType === 'gaplens.panel') as FakeWebviewPanel;
    panel.posted.length = 0;
    panel.send({ kind: 'notify', method: 'ready', params: { state: null } });
    // And rows as a live run streams them, each verifier's draws in its detail.
    const model = RunModel.fromRun(await readRun(run));
    const streamed = [
      { kind: 'notify', method: 'init', params: { run: summaryOf(manifest), mode: 'gap' } },
      { kind: 'notify', method: 'samples', params: { tasks: model.taskInfos(), rows: model.allRows() } },
    ];
    for (const messages of [panel.posted, streamed]) {
      const ds = buildDataset(storeFromMessages(messages), false);
      const fr = applyFilter(ds, parseSelector('cot-score'), parseFilter('quantile:0.5'));
      assert.deepEqual(verificationCurveOf(ds, fr), report.verificationCurve);
    }
  });
});
