// The verifier template loop in VS Code: Edit Verifier Template opens an editable copy of the
// template a run's verifier used, the CodeLens on that copy re-verifies the run with it (through the
// run executor: a new template version, no new sampling), and the A/B view opens with the samples
// whose verdict changed and both raw outputs. Built bundle, fake VS Code, a real HTTP model server
// that judges by what it sees in the prompt, a run folder made by the CLI.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunManifest } from '../../../src/core/runs/records';
import { parseHostMessage } from '../../../src/protocol/panelProtocol';
import { startFakeOpenAI, type FakeAnswer, type FakeOpenAI, type FakeRequest } from '../../fixtures/openaiServer';
import { REPO, runCli } from '../../helpers/cli';
import { cleanEnv, isProbeRequest } from '../../helpers/runs';
import { activateWithProfiles, closeExtension, extensionSandbox, type ExtensionModule, type ExtensionSandbox } from '../fakes/extensionSandbox';
import { FakeTextDocument, FakeUri, type FakeVscode, type FakeWebviewPanel } from '../fakes/fakeVscode';

const MARKER = 'STRICT';

/** cot-binary verdicts: incorrect for task t1 ("What is 2 + 3?") under a template with the marker, else correct. */
function judge(req: FakeRequest): FakeAnswer | undefined {
  if (!req.prompt.endsWith('Verification:')) return undefined;
  const strict = req.prompt.includes(MARKER) && req.prompt.includes('Question: What is 2 + 3?');
  return { text: ` Checked. Verdict: ${strict ? 'incorrect' : 'correct'}` };
}

describe('the verifier template loop in VS Code (built bundle, fake VS Code, a real HTTP model server)', function () {
  this.timeout(60_000);
  let sandbox: ExtensionSandbox;
  let server: FakeOpenAI;
  let fake: FakeVscode;
  let ext: ExtensionModule;
  let run: string;

  before(async () => {
    sandbox = extensionSandbox();
    server = await startFakeOpenAI({ respond: judge });
    run = join(sandbox.ws, '.gaplens', 'runs', 'run-1');
    const made = await runCli(
      ['run', '--tasks', join(sandbox.ws, 'math.tasks.jsonl'), '--model', `openai:fake@${server.url}`, '-n', '2', '--verifier', 'cot-binary', '--filter', 'threshold:0.5', '--out', run, '--no-cache'],
      { env: cleanEnv(sandbox.tmp) },
    );
    assert.equal(made.code, 0, made.stderr);
    const profiles = [{ name: 'Fake', backend: 'openai', baseUrl: server.url, model: 'fake', maxConcurrency: 4 }];
    ({ fake, ext } = activateWithProfiles(sandbox, profiles));
  });

  after(async () => {
    await closeExtension(ext, fake);
    await server?.close();
    sandbox?.cleanup();
  });

  it('Edit Verifier Template opens a copy in the run\'s drafts; its CodeLens re-verifies with it and opens the A/B view', async () => {
    const r = fake.recorded;
    await r.commands.get('gaplens.editVerifierTemplate')?.({ runDir: run });
    const draft = join(run, 'templates', 'drafts', 'verify-cot-binary.txt');
    assert.deepEqual(r.opened.map((d) => d.uri.fsPath), [draft]);
    assert.equal(readFileSync(draft, 'utf8'), readFileSync(join(run, 'templates', 'verify-cot-binary.txt'), 'utf8'), 'the copy is the template the run used');
    writeFileSync(draft, `${MARKER}: judge strictly.\n${readFileSync(draft, 'utf8')}`);

    // The lens the editor shows on the draft, and the command it runs.
    const lensProvider = r.codeLenses.find((l) => (l.selector as { pattern?: string }).pattern === '**/templates/drafts/*.txt');
    assert.ok(lensProvider, 'no CodeLens provider for drafts');
    const [lens] = await lensProvider.provider.provideCodeLenses(new FakeTextDocument(FakeUri.file(draft), 'plaintext', readFileSync(draft, 'utf8')));
    assert.equal(lens?.command?.title, 'Re-verify with this template');
    const requests = server.requests.length;
    const panels = r.panels.length;
    await r.commands.get(lens?.command?.command ?? '')?.(...(lens?.command?.arguments ?? []));
    assert.deepEqual(r.messages.filter((m) => m.level !== 'info'), []);

    const manifest = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as RunManifest;
    assert.deepEqual(manifest.config.verifiers, ['cot-binary', 'cot-binary#v2']);
    assert.equal(manifest.templateVersions?.[0]?.source, join(run, 'templates', 'drafts'));
    const asked = server.requests.slice(requests).filter((q) => !isProbeRequest(q));
    assert.equal(asked.length, 4, 'one verification per sample, no generation');
    assert.ok(asked.every((q) => String((q.body as { prompt?: unknown }).prompt).startsWith(MARKER)));

    // The A/B view: its own page after the run's panel, with the two changed samples and both raw outputs.
    const page = (r.panels.slice(panels).at(-1) as FakeWebviewPanel).webview.html;
    assert.match(page, /cot-binary: v1 vs v2/);
    assert.match(page, /2 samples changed verdict/);
    assert.equal(page.match(/<a href="#sample-\d+">t1 #\d \(/g)?.length, 2, 'a link to each changed sample, and only those of t1');
    assert.doesNotMatch(page, /t2 #/);
    assert.match(page, /<section id="sample-0">[\s\S]*Checked. Verdict: correct[\s\S]*Checked. Verdict: incorrect/);

    // The run's gap panel, which showed the re-verify live, offers the version as a verifier to select.
    const gapPanel = r.panels.slice(panels).find((p) => p.viewType === 'gaplens.panel') as FakeWebviewPanel;
    gapPanel.posted.length = 0;
    gapPanel.send({ kind: 'notify', method: 'ready', params: { state: null } });
    const init = gapPanel.posted.map(parseHostMessage).find((m) => m.ok && m.value.kind === 'notify' && m.value.method === 'init');
    assert.ok(init?.ok && init.value.kind === 'notify' && init.value.method === 'init');
    assert.deepEqual(init.value.params.run.verifiers, ['cot-binary', 'cot-binary#v2']);
  });

  it('offers the template actions where they belong: the draft editor\'s title bar and a complete run in the runs tree', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
    const { menus } = manifest.contributes;
    assert.ok(menus['editor/title']?.some((m) => m.command === 'gaplens.reverifyWithTemplate' && m.when?.includes('templates.drafts')));
    assert.ok(menus['view/item/context']?.some((m) => m.command === 'gaplens.editVerifierTemplate' && m.when?.includes('gaplens.run.complete')));
  });
});
