// The built extension (dist/extension.js and the bundles it loads) activated in a fake VS Code,
// against a real OpenAI-format server on 127.0.0.1: lazy activation, a whole gap check driven from
// the command palette, the panel's ready handshake and message validation, annotations, the panel
// serializer, API keys kept out of files and logs.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gapText, LiveGap } from '../../src/core/pipeline/liveGap';
import { createRunFolder, readRun } from '../../src/core/runs/runStore';
import { SampleLog } from '../../src/core/runs/sampleLog';
import { parseHostMessage, VERDICT_NONE, type HostMessage } from '../../src/protocol/panelProtocol';
import { MISSING_SCORE } from '../../src/core/filter/columns';
import { gapInputOf, RunModel } from '../../src/extension/panel/runModel';
import { COMMAND_IDS } from '../../src/extension/commandIds';
import { startFakeOpenAI, type FakeOpenAI } from '../fixtures/openaiServer';
import { REPO, STORIES_MODEL } from '../helpers/cli';
import { holdRunLock } from '../helpers/lockHolder';
import { config, generation, manifest, task, verification } from './builders';
import { back, FakeTextDocument, FakeUri, fakeEditor, installFakeVscode, keep, pick, type, type FakeVscode, type FakeWebviewPanel } from './fakes/fakeVscode';
import { closeExtension, DIST, extensionSandbox, loadBuiltExtension, type ExtensionModule, type ExtensionSandbox } from './fakes/extensionSandbox';

const API_KEY = 'sk-test-4f6c2d0e9b';

function hostMessages(panel: FakeWebviewPanel): HostMessage[] {
  return panel.posted.map((raw) => {
    const parsed = parseHostMessage(raw);
    assert.ok(parsed.ok, `the host posted an invalid message: ${parsed.ok ? '' : parsed.error}`);
    return parsed.value;
  });
}

function notifications<M extends string>(messages: HostMessage[], method: M): Extract<HostMessage, { method: M }>[] {
  return messages.filter((m): m is Extract<HostMessage, { method: M }> => m.kind === 'notify' && m.method === method);
}

/** The samples of a snapshot's 'sampleTable' messages, one object per row. */
function tableRows(messages: HostMessage[]): { task: string; index: number; correct: boolean | null; normalized: string | null; scores: Record<string, number | null> }[] {
  return notifications(messages, 'sampleTable').flatMap(({ params: { columns } }) => {
    const tasks = columns.runTask.flatMap((task, run) => new Array<string>(columns.runLength[run] as number).fill(task));
    const scores = Object.entries(columns.scores);
    return Array.from(columns.index, (index, i) => ({
      task: tasks[i] as string,
      index,
      correct: columns.correct[i] === VERDICT_NONE ? null : columns.correct[i] === 1,
      normalized: columns.answers[columns.normalized[i] as number] ?? null,
      scores: Object.fromEntries(scores.map(([name, values]) => [name, values[i] === MISSING_SCORE ? null : (values[i] as number)])),
    }));
  });
}

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('extension host (built bundle, fake VS Code, real HTTP model server)', function () {
  this.timeout(60_000);
  let sandbox: ExtensionSandbox;
  let tmp: string;
  let ws: string;
  let server: FakeOpenAI;
  /** A reasoning model's chat endpoint: no logprobs, default temperature only. */
  let reasoning: FakeOpenAI;
  let fake: FakeVscode;
  let ext: ExtensionModule;

  before(async () => {
    sandbox = extensionSandbox();
    ({ tmp, ws } = sandbox);
    server = await startFakeOpenAI({ apiKey: API_KEY });
    reasoning = await startFakeOpenAI({ provider: 'reasoning' });
    const profiles = [
      { name: 'Fake server', backend: 'openai', baseUrl: server.url, model: 'fake-model', maxConcurrency: 4 },
      { name: 'Reasoning server', backend: 'openai', baseUrl: reasoning.url, model: 'o-fake', api: 'chat', maxConcurrency: 2 },
    ];
    fake = installFakeVscode({
      extensionPath: REPO,
      workspaceFolder: ws,
      globalStorage: join(tmp, 'global'),
      settings: { 'gaplens.modelProfiles': profiles, 'gaplens.runsFolder': '.gaplens/runs' },
      // The profiles are the user's own: re-verifying the run folder sends its key without asking.
      userSettings: { 'gaplens.modelProfiles': profiles },
    });
    ext = loadBuiltExtension();
  });

  after(async () => {
    await closeExtension(ext, fake);
    await server?.close();
    await reasoning?.close();
    sandbox?.cleanup();
  });

  it('activates without loading the command bundle, registering every contributed command, both trees and the panel serializer', () => {
    ext.activate(fake.context);
    assert.deepEqual([...fake.recorded.commands.keys()].sort(), [...COMMAND_IDS].sort());
    assert.deepEqual([...fake.recorded.treeViews.keys()].sort(), ['gaplens.runs', 'gaplens.taskSets']);
    assert.ok(fake.recorded.serializers.has('gaplens.panel'));
    assert.deepEqual([...fake.recorded.customEditors.keys()].sort(), ['gaplens.runEditor', 'gaplens.runFileEditor']);
    assert.equal(require.cache[join(DIST, 'onDemand.js')], undefined, 'activation loaded dist/onDemand.js');
    assert.equal(require.cache[join(DIST, 'languageClient.js')], undefined, 'activation loaded the language client without a task file open');
    assert.match(fake.recorded.log.at(-1)?.text ?? '', /^activated in \d+(\.\d)? ms/);
  });

  it('Set API Key… stores the key in SecretStorage under the server origin', async () => {
    fake.recorded.quickPicks.push(pick(new URL(server.url).origin));
    fake.recorded.inputs.push((opts) => {
      assert.equal(opts.password, true, 'the key must be typed into a password box');
      return API_KEY;
    });
    await fake.recorded.commands.get('gaplens.setApiKey')?.();
    assert.equal(fake.context.secrets.stored.get(`gaplens.apiKey:${new URL(server.url).origin}`), API_KEY);
  });

  let runDir: string;
  let panel: FakeWebviewPanel;

  it('Run Gap Check… asks its questions, runs through core, and holds panel messages until the webview is ready', async () => {
    const r = fake.recorded;
    r.quickPicks.push(pick('math.tasks.jsonl'), pick('Fake server'), pick('Online'), pick('mc', true), pick('quantile:0.5'));
    r.inputs.push(type('3'), keep());
    await r.commands.get('gaplens.runGapCheck')?.();
    assert.deepEqual(r.quickPicks, [], 'not every scripted question was asked');
    assert.deepEqual(r.messages.filter((m) => m.level === 'error'), []);

    const runs = readdirSync(join(ws, '.gaplens', 'runs'));
    assert.equal(runs.length, 1);
    runDir = join(ws, '.gaplens', 'runs', runs[0] as string);
    const manifest = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { completedAt?: string; config: Record<string, unknown> };
    assert.ok(manifest.completedAt, 'the run did not complete');
    assert.equal(manifest.config.model, `openai:fake-model@${server.url}`);
    assert.equal(manifest.config.n, 3);
    assert.equal(manifest.config.filter, 'quantile:0.5');
    assert.deepEqual(manifest.config.verifiers, ['mc']);
    const lines = readFileSync(join(runDir, 'samples.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 2 * 3 * 2, 'expected 2 tasks × 3 samples × (generation + mc verification)');
    assert.ok(server.requests.length > 0 && server.requests.every((q) => q.authorization === `Bearer ${API_KEY}`), 'every request must carry the stored key');

    assert.equal(r.panels.length, 1);
    panel = r.panels[0] as FakeWebviewPanel;
    assert.equal(panel.viewType, 'gaplens.panel');
    assert.deepEqual(panel.posted, [], 'nothing may be posted before the webview says ready');
    assert.equal(r.progress.length, 1);
    assert.ok((r.progress[0]?.reports.length ?? 0) > 0);
  });

  it('Check Model… probes the profile\'s endpoint and shows the capability table, the logprob checks and each verifier\'s verdict as Markdown', async () => {
    fake.recorded.quickPicks.push(pick('Reasoning server'));
    await fake.recorded.commands.get('gaplens.checkModel')?.();
    assert.deepEqual(fake.recorded.quickPicks, []);
    const doc = fake.recorded.opened.at(-1);
    assert.equal(doc?.languageId, 'markdown');
    const text = doc?.getText() ?? '';
    assert.match(text, /^# Gap Lens: openai:o-fake@http:\/\/127\.0\.0\.1:\d+\/v1 \(chat API\)/);
    assert.match(text, /\| token budget \| max\\_completion\\_tokens \(max\\_tokens refused: HTTP 400: Unsupported parameter: 'max\\_tokens'/);
    assert.match(text, /\| mc \| impossible: the endpoint returns no logprobs/);
    assert.match(text, /\| cot-score \| approximate: sampled at the endpoint's own temperature and top-p/);
  });

  it('Run Gap Check… with mc on an endpoint without logprobs is refused before the run, saying why and what to pick instead', async () => {
    const runsBefore = readdirSync(join(ws, '.gaplens', 'runs'));
    const r = fake.recorded;
    r.quickPicks.push(pick('math.tasks.jsonl'), pick('Reasoning server'), pick('Online'), pick('mc', true), pick('quantile:0.5'));
    r.inputs.push(type('2'), keep());
    await r.commands.get('gaplens.runGapCheck')?.();
    assert.deepEqual(r.quickPicks, [], 'not every scripted question was asked');
    assert.match(r.messages.at(-1)?.text ?? '', /^Gap Lens: openai:o-fake@.* cannot serve this verifier: mc: the endpoint returns no logprobs .* Pick a verifier that samples instead: cot-score, cot-binary, tournament/);
    assert.deepEqual(readdirSync(join(ws, '.gaplens', 'runs')), runsBefore, 'a run folder was created');
    assert.ok(!reasoning.requests.some((q) => JSON.stringify(q.body).includes('What is 2 + 3?')), 'a task was sent');
  });

  it('serves the panel a strict-CSP shell: nonce scripts from dist only, resources from dist and media only, no retained context', () => {
    const html = panel.webview.html;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1] ?? '';
    assert.match(csp, /^default-src 'none'; /);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.ok(nonce.length >= 20);
    assert.match(html, new RegExp(`<script src="https://webview.test${REPO}/dist/webview.js" nonce="${nonce.replace(/[+/=]/g, '\\$&')}"></script>`));
    const roots = (panel.options.localResourceRoots as { fsPath: string }[]).map((u) => u.fsPath).sort();
    assert.deepEqual(roots, [join(REPO, 'dist'), join(REPO, 'media')]);
    assert.equal(panel.options.retainContextWhenHidden, false);
    assert.equal(panel.options.enableCommandUris, false);
  });

  it("answers 'ready' with a full snapshot: init, every sample as columns, annotations, progress, then the tasks; details on request", async () => {
    panel.send({ kind: 'notify', method: 'ready', params: { state: null } });
    const messages = hostMessages(panel);
    assert.equal(messages[0]?.kind === 'notify' && messages[0].method, 'init');
    const init = notifications(messages, 'init')[0];
    assert.equal(init?.params.mode, 'gap');
    assert.equal(init?.params.run.filter, 'quantile:0.5');
    assert.deepEqual(notifications(messages, 'samples'), [], 'snapshots carry columns, not full rows');
    const rows = tableRows(messages);
    assert.equal(rows.length, 6);
    assert.ok(rows.every((row) => typeof row.scores.mc === 'number' && typeof row.correct === 'boolean'));
    assert.deepEqual(notifications(messages, 'progress').at(-1)?.params, { done: 6, total: 6, status: 'done' });
    const tasksAt = messages.findIndex((m) => m.kind === 'notify' && m.method === 'tasks');
    assert.ok(tasksAt > messages.findIndex((m) => m.kind === 'notify' && m.method === 'progress'), 'the tasks after the progress the first paint waits for');
    assert.deepEqual(notifications(messages, 'tasks').flatMap((n) => n.params.tasks.map((t) => t.gold)), [['5'], ['20']]);

    panel.posted.length = 0;
    panel.send({ kind: 'request', id: 3, method: 'sampleDetail', params: { task: 't2', index: 2 } });
    panel.send({ kind: 'request', id: 4, method: 'sampleDetail', params: { task: 't2', index: 9 } });
    await until('two sampleDetail replies', () => panel.posted.length >= 2);
    const [found, missing] = hostMessages(panel);
    assert.ok(found?.kind === 'reply' && found.ok);
    const detail = (found.result as { row: { text: string; verifications: { verifier: string; prompt: string }[] } }).row;
    assert.ok(detail.text.length > 0);
    assert.equal(detail.verifications[0]?.verifier, 'mc');
    assert.ok(missing?.kind === 'reply' && !missing.ok && /no sample 9 of task "t2"/.test(missing.error.message));
  });

  it('appends an annotation to annotations.jsonl, replies with the record and pushes it', async () => {
    panel.posted.length = 0;
    panel.send({ kind: 'request', id: 7, method: 'annotate', params: { task: 't2', index: 1, cause: 'checker-wrong', note: 'the checker missed "twenty"' } });
    await until('the annotate reply', () => panel.posted.some((m) => (m as { kind?: string }).kind === 'reply'));
    const messages = hostMessages(panel);
    const reply = messages.find((m) => m.kind === 'reply');
    assert.ok(reply && reply.ok, 'the annotate request failed');
    const saved = readFileSync(join(runDir, 'annotations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(saved.length, 1);
    assert.deepEqual({ ...saved[0], at: undefined }, { v: 1, task: 't2', index: 1, cause: 'checker-wrong', note: 'the checker missed "twenty"', at: undefined });
    assert.equal(notifications(messages, 'annotations')[0]?.params.records[0]?.note, 'the checker missed "twenty"');
  });

  it('refuses invalid webview messages: an error reply for a readable request id, a log line, nothing written', async () => {
    panel.posted.length = 0;
    const logged = fake.recorded.log.length;
    panel.send({ kind: 'request', id: 8, method: 'annotate', params: { task: 't1', index: -1, cause: 'verifier-wrong', note: '' } });
    panel.send({ kind: 'request', id: 9, method: 'runShell', params: { command: 'rm -rf /' } });
    panel.send({ kind: 'bogus' });
    panel.send('<img src=x onerror=alert(1)>');
    await until('two error replies', () => panel.posted.length >= 2);
    const replies = hostMessages(panel).filter((m) => m.kind === 'reply');
    assert.deepEqual(replies.map((r) => [r.id, r.ok, r.ok ? null : r.error.code]), [[8, false, 'invalid-request'], [9, false, 'unknown-method']]);
    assert.ok(fake.recorded.log.length - logged >= 4, 'each dropped message should be logged');
    assert.equal(readFileSync(join(runDir, 'annotations.jsonl'), 'utf8').trim().split('\n').length, 1);
  });

  it("follows the panel's filter in the status bar once the slider rests, and refuses an invalid one", async () => {
    const shown = fake.recorded.status.length;
    const logged = fake.recorded.log.length;
    panel.send({ kind: 'notify', method: 'filterChanged', params: { selector: 'mc', filter: 'quantile:7' } });
    assert.match(fake.recorded.log.slice(logged).map((l) => l.text).join('\n'), /handling "filterChanged" failed: Invalid filter "quantile:7"/);
    for (const q of ['0.1', '0.2', '0.3']) panel.send({ kind: 'notify', method: 'filterChanged', params: { selector: 'mc', filter: `quantile:${q}` } });
    assert.equal(fake.recorded.status.length, shown, 'the status bar waits for the slider to rest');
    await until('the status bar update', () => fake.recorded.status.length > shown);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(fake.recorded.status.length, shown + 1, 'one update for a burst of filter changes');
  });

  let restoredPanel: FakeWebviewPanel | undefined;

  it('after a reload, the serializer brings the same run back in a panel, annotations included', async () => {
    panel.dispose();
    const restored = new (panel.constructor as new (v: string, t: string, o: Record<string, unknown>) => FakeWebviewPanel)('gaplens.panel', 'Gap Lens', {});
    const runId = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).id as string;
    const state = { runId, selector: 'mc', filter: 'quantile:0.5', checkerCorrected: true, view: { task: null, show: 'disagreements', sort: 'score', descending: true }, selection: { task: 't2', index: 1 } };
    await fake.recorded.serializers.get('gaplens.panel')?.deserializeWebviewPanel(restored, state);
    restoredPanel = restored;
    assert.match(restored.webview.html, /Content-Security-Policy/);
    restored.send({ kind: 'notify', method: 'ready', params: { state } });
    const messages = hostMessages(restored);
    assert.equal(notifications(messages, 'init')[0]?.params.run.id, runId);
    assert.equal(tableRows(messages).length, 6);
    assert.equal(notifications(messages, 'annotations')[0]?.params.records.length, 1);
  });

  it("opens a run's run.json or samples.jsonl in the run editor: the run's panel, which replaces the one it had", async () => {
    const newPanel = (viewType: string, title: string): FakeWebviewPanel => new (panel.constructor as new (v: string, t: string, o: Record<string, unknown>) => FakeWebviewPanel)(viewType, title, {});
    const openWith = async (viewType: string, file: string): Promise<FakeWebviewPanel> => {
      const entry = fake.recorded.customEditors.get(viewType);
      assert.ok(entry, viewType);
      assert.deepEqual(entry.options, { webviewOptions: { enableFindWidget: true, retainContextWhenHidden: false }, supportsMultipleEditorsPerDocument: false });
      const editor = newPanel(viewType, basename(file));
      await entry.provider.resolveCustomEditor(await entry.provider.openCustomDocument(FakeUri.file(file)), editor);
      return editor;
    };
    const runId = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).id as string;
    const editor = await openWith('gaplens.runEditor', join(runDir, 'run.json'));
    assert.equal(restoredPanel?.isDisposed, true, 'one panel per run');
    assert.match(editor.webview.html, /Content-Security-Policy/);
    assert.equal(editor.webview.options.enableScripts, true);
    editor.send({ kind: 'notify', method: 'ready', params: { state: null } });
    const messages = hostMessages(editor);
    assert.equal(notifications(messages, 'init')[0]?.params.run.id, runId);
    assert.equal(tableRows(messages).length, 6);
    // The run's commands find it: Open Run… reveals the editor instead of opening another panel.
    const panels = fake.recorded.panels.length;
    await fake.recorded.commands.get('gaplens.openRun')?.(runDir);
    assert.equal(fake.recorded.panels.length, panels);
    assert.equal(editor.isDisposed, false);

    const samples = await openWith('gaplens.runFileEditor', join(runDir, 'samples.jsonl'));
    assert.equal(editor.isDisposed, true);
    samples.send({ kind: 'notify', method: 'ready', params: { state: null } });
    assert.equal(notifications(hostMessages(samples), 'init')[0]?.params.run.id, runId);
    samples.dispose();
  });

  it('shows why in the run editor when the file is not part of a run, without a script or an error popup', async () => {
    const elsewhere = join(tmp, 'not-a-run');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'run.json'), '{"name": "<b>another tool</b>"}');
    const entry = fake.recorded.customEditors.get('gaplens.runFileEditor');
    const editor = new (panel.constructor as new (v: string, t: string, o: Record<string, unknown>) => FakeWebviewPanel)('gaplens.runFileEditor', 'run.json', {});
    const shown = fake.recorded.messages.length;
    await entry?.provider.resolveCustomEditor(await entry.provider.openCustomDocument(FakeUri.file(join(elsewhere, 'run.json'))), editor);
    assert.equal(editor.webview.options.enableScripts, false);
    assert.doesNotMatch(editor.webview.html, /<script/);
    assert.match(editor.webview.html, /Gap Lens cannot show run\.json as a run/);
    assert.match(/<p data-role="not-a-run">([^<]*)<\/p>/.exec(editor.webview.html)?.[1] ?? '', /run\.json/);
    assert.equal(fake.recorded.messages.length, shown);
    assert.match(fake.recorded.log.at(-1)?.text ?? '', /cannot be shown as a run/);
  });

  it('draws an audit into audit.json, saves audit labels with their stratum, pushes what they say, and asks before replacing it', async () => {
    const audited = new (panel.constructor as new (v: string, t: string, o: Record<string, unknown>) => FakeWebviewPanel)('gaplens.panel', 'Gap Lens', {});
    const runId = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).id as string;
    const state = { runId, selector: 'mc', filter: 'quantile:0.5', checkerCorrected: false, view: { task: null, show: 'all', sort: 'task', descending: false }, selection: null };
    await fake.recorded.serializers.get('gaplens.panel')?.deserializeWebviewPanel(audited, state);
    const snapshot = readyAndRead(audited);
    await until('the audit notification', () => notifications(hostMessages(audited), 'audit').length > 0);
    assert.deepEqual(notifications(hostMessages(audited), 'audit').at(-1)?.params, { audit: null, cannotDraw: null });
    assert.ok(snapshot.length > 0);

    audited.posted.length = 0;
    audited.send({ kind: 'request', id: 30, method: 'drawAudit', params: { size: 4, seed: 7, selector: 'mc', filter: 'quantile:0.5' } });
    await until('the drawAudit reply', () => hostMessages(audited).some((m) => m.kind === 'reply'));
    const file = JSON.parse(readFileSync(join(runDir, 'audit.json'), 'utf8')) as { id: string; seed: number; samples: { task: string; index: number; stratum: string }[] };
    const drawn = hostMessages(audited);
    assert.deepEqual(drawn.find((m) => m.kind === 'reply'), { kind: 'reply', id: 30, ok: true, result: { id: file.id } });
    assert.deepEqual(notifications(drawn, 'audit').at(-1)?.params.audit?.file, file);
    assert.equal(file.seed, 7);

    const first = file.samples[0];
    assert.ok(first);
    audited.posted.length = 0;
    audited.send({ kind: 'request', id: 31, method: 'annotate', params: { task: first.task, index: first.index, human: 'correct', audit: { id: file.id }, note: '' } });
    await until('the audit label reply', () => hostMessages(audited).some((m) => m.kind === 'reply'));
    const lines = readFileSync(join(runDir, 'annotations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual({ ...lines.at(-1), at: undefined }, { v: 2, task: first.task, index: first.index, human: 'correct', audit: { id: file.id, stratum: first.stratum }, note: '', at: undefined });
    const report = notifications(hostMessages(audited), 'audit').at(-1)?.params.audit?.report;
    assert.deepEqual([report?.labels, report?.result?.labelled], [1, 1]);

    // Replacing asks first: no answer keeps the audit.
    audited.posted.length = 0;
    audited.send({ kind: 'request', id: 32, method: 'drawAudit', params: { size: 2, seed: null, selector: 'mc', filter: 'quantile:0.5' } });
    await until('the refused drawAudit reply', () => hostMessages(audited).some((m) => m.kind === 'reply'));
    const refused = hostMessages(audited).find((m) => m.kind === 'reply');
    assert.ok(refused?.kind === 'reply' && !refused.ok && refused.error.message === `kept audit ${file.id}: no new audit drawn`);
    assert.match(fake.recorded.messages.at(-1)?.text ?? '', new RegExp(`^Replace audit ${file.id.replace(/[.]/g, '\\.')} with a new audit of 2 samples\\?`));
    assert.equal(JSON.parse(readFileSync(join(runDir, 'audit.json'), 'utf8')).id, file.id);
    // Leave the run as the tests below expect it: one annotation, no audit.
    writeFileSync(join(runDir, 'annotations.jsonl'), `${JSON.stringify(lines[0])}\n`);
    rmSync(join(runDir, 'audit.json'));
    audited.dispose();
  });

  it('a serializer state that is not a Gap Lens panel state closes the panel instead of showing nothing', async () => {
    const stray = new (panel.constructor as new (v: string, t: string, o: Record<string, unknown>) => FakeWebviewPanel)('gaplens.panel', 'Gap Lens', {});
    await fake.recorded.serializers.get('gaplens.panel')?.deserializeWebviewPanel(stray, { runId: 42 });
    assert.equal(stray.isDisposed, true);
  });

  it('keeps the API key out of every run file and log line', () => {
    const files = ['run.json', 'tasks.jsonl', 'samples.jsonl', 'annotations.jsonl'].map((f) => readFileSync(join(runDir, f), 'utf8'));
    for (const text of [...files, ...fake.recorded.log.map((l) => l.text), JSON.stringify(fake.recorded.messages)]) assert.ok(!text.includes(API_KEY));
  });

  it('lists the run in the runs tree (model, verifier, gap) and the task file in the task sets tree; the status bar shows the gap', async () => {
    const runs = await fake.recorded.treeViews.get('gaplens.runs')?.getChildren();
    assert.equal(runs?.length, 1);
    assert.equal(runs?.[0]?.label, 'fake-model · math.tasks.jsonl');
    assert.match(runs?.[0]?.description ?? '', /^mc · gap [+−]?\d+\.\d\d pp · \d{4}-\d\d-\d\d \d\d:\d\d$/);
    assert.equal(runs?.[0]?.contextValue, 'gaplens.run.complete');
    const sets = await fake.recorded.treeViews.get('gaplens.taskSets')?.getChildren();
    assert.deepEqual(sets?.map((s) => s.label), ['math.tasks.jsonl', 'builtin:sudoku4x4', 'builtin:arithmetic']);
    assert.match(fake.recorded.status.filter((s) => s.visible).at(-1)?.text ?? '', /Gap Lens.* · gap [+−]?\d+\.\d\d pp/);
  });

  function newRunDirs(before: readonly string[]): string[] {
    return readdirSync(join(ws, '.gaplens', 'runs')).filter((d) => !before.includes(d)).map((d) => join(ws, '.gaplens', 'runs', d));
  }

  function readyAndRead(p: FakeWebviewPanel): HostMessage[] {
    p.posted.length = 0;
    p.send({ kind: 'notify', method: 'ready', params: { state: null } });
    return hostMessages(p);
  }

  it("shows in the status bar the gap under the filter the run's panel shows, not the one the run started with", async () => {
    // The fake model mostly answers 42: tasks whose answer is 42 give correct and wrong samples to filter.
    const tasksFile = join(ws, 'forty-two.tasks.jsonl');
    writeFileSync(tasksFile, ['6 * 7', '50 - 8', '84 / 2', '40 + 2'].map((q, i) => `{"id":"q${i}","question":"What is ${q}?","answer":"42","grader":"numeric"}\n`).join(''));
    const before = readdirSync(join(ws, '.gaplens', 'runs'));
    const window = fake.module.window as { createWebviewPanel: (...args: unknown[]) => FakeWebviewPanel };
    const create = window.createWebviewPanel;
    // The user moves the panel's filter as soon as the panel opens, while the run goes on.
    window.createWebviewPanel = (...args) => {
      const opened = create(...args);
      setImmediate(() => opened.send({ kind: 'notify', method: 'filterChanged', params: { selector: 'mc', filter: 'threshold:0.5' } }));
      return opened;
    };
    try {
      fake.recorded.quickPicks.push(pick('forty-two.tasks.jsonl'), pick('Fake server'), pick('Online'), pick('mc', true), pick('quantile:0.5'));
      fake.recorded.inputs.push(type('6'), keep());
      await fake.recorded.commands.get('gaplens.runGapCheck')?.();
    } finally {
      window.createWebviewPanel = create;
      rmSync(tasksFile);
    }
    const [dir] = newRunDirs(before);
    assert.ok(dir);
    const model = RunModel.fromRun(await readRun(dir));
    const gapUnder = (filter: string): string | null => {
      const live = new LiveGap('mc', filter);
      for (const row of model.allRows()) live.update(gapInputOf(row));
      return gapText(live.reading());
    };
    assert.notEqual(gapUnder('threshold:0.5'), gapUnder('quantile:0.5'), 'the two filters must give different gaps on this run');
    // The run's last word, before the panel's own (debounced) report of the filter change could come.
    assert.equal(fake.recorded.status.at(-1)?.text.split(' · ').at(-1), gapUnder('threshold:0.5'));
    fake.recorded.panels.at(-1)?.dispose();
  });

  it('Run on Selected Tasks (as a CodeLens calls it) runs only the tasks on the given lines', async () => {
    const before = readdirSync(join(ws, '.gaplens', 'runs'));
    fake.recorded.quickPicks.push(pick('Fake server'), pick('Online'), pick('mc', true), pick('quantile:0.8'));
    fake.recorded.inputs.push(type('2'), keep());
    await fake.recorded.commands.get('gaplens.runSelectedTasks')?.({ scheme: 'file', fsPath: join(ws, 'math.tasks.jsonl') }, [2]);
    const [dir] = newRunDirs(before);
    assert.ok(dir);
    assert.deepEqual(readFileSync(join(dir, 'tasks.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id), ['t2']);
    assert.equal((JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { config: { tasks: string } }).config.tasks, `${join(ws, 'math.tasks.jsonl')}#L2`);
  });

  let checkDir: string;
  let checkPanel: FakeWebviewPanel;

  it('Check Selection without a gold answer shows ungraded samples (check mode); marking the right answer regrades them and is remembered', async () => {
    const before = readdirSync(join(ws, '.gaplens', 'runs'));
    const doc = new FakeTextDocument(FakeUri.file(join(ws, 'notes.md')), 'markdown', '# Notes\nWhat is 6 * 7?\nmore text');
    (fake.module.window as Record<string, unknown>).activeTextEditor = fakeEditor(doc, [{ start: { line: 1, character: 0 }, end: { line: 1, character: 14 } }]);
    fake.recorded.quickPicks.push(pick('numeric'), pick('Fake server'), pick('Online'), pick('mc', true), pick('quantile:0.8'));
    fake.recorded.inputs.push(type(''), type('3'), keep());
    await fake.recorded.commands.get('gaplens.checkSelection')?.();
    (fake.module.window as Record<string, unknown>).activeTextEditor = undefined;
    [checkDir] = newRunDirs(before) as [string];
    const task = JSON.parse(readFileSync(join(checkDir, 'tasks.jsonl'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(task, { answer: '', grader: 'numeric', id: 'selection', meta: { source: 'notes.md:2' }, question: 'What is 6 * 7?' });

    const p = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    const snapshot = readyAndRead(p);
    assert.equal(notifications(snapshot, 'init')[0]?.params.mode, 'check');
    const rows = tableRows(snapshot);
    assert.equal(rows.length, 3);
    assert.ok(rows.every((r) => r.correct === null && typeof r.scores.mc === 'number'));

    p.posted.length = 0;
    const answer = rows[0]?.normalized ?? '0';
    p.send({ kind: 'request', id: 1, method: 'markAnswer', params: { task: 'selection', answer } });
    await until('the markAnswer reply', () => p.posted.some((m) => (m as { kind?: string }).kind === 'reply'));
    const after = hostMessages(p);
    assert.deepEqual(after.find((m) => m.kind === 'reply'), { kind: 'reply', id: 1, ok: true, result: { regraded: 3 } });
    const regraded = notifications(after, 'samples')[0];
    assert.deepEqual(regraded?.params.tasks.map((t) => t.gold), [[answer]]);
    assert.deepEqual(regraded?.params.rows.map((r) => r.correct), rows.map((r) => r.normalized === answer));

    p.dispose();
    const runId = (JSON.parse(readFileSync(join(checkDir, 'run.json'), 'utf8')) as { id: string }).id;
    const restored = new (p.constructor as new (v: string, t: string, o: Record<string, unknown>) => FakeWebviewPanel)('gaplens.panel', 'Gap Lens', {});
    const state = { runId, selector: 'mc', filter: 'quantile:0.8', checkerCorrected: false, view: { task: null, show: 'all', sort: 'task', descending: false }, selection: null };
    await fake.recorded.serializers.get('gaplens.panel')?.deserializeWebviewPanel(restored, state);
    checkPanel = restored;
    const again = tableRows(readyAndRead(restored));
    assert.deepEqual(again.map((r) => r.correct), rows.map((r) => r.normalized === answer), 'the marked answer survives a reload');
  });

  it('Next Disagreement forwards the command to the panel in front', async () => {
    const p = checkPanel;
    p.posted.length = 0;
    await fake.recorded.commands.get('gaplens.nextDisagreement')?.();
    assert.deepEqual(hostMessages(p), [{ kind: 'notify', method: 'command', params: { command: 'nextDisagreement' } }]);
  });

  it('Re-verify Run… adds a verifier over the same generations without sampling again', async () => {
    const linesBefore = readFileSync(join(runDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    fake.recorded.quickPicks.push(pick('cot-score', true));
    await fake.recorded.commands.get('gaplens.reverifyRun')?.(runDir);
    const lines = readFileSync(join(runDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; verifier?: string });
    assert.equal(lines.filter((l) => l.type === 'generation').length, linesBefore.filter((l) => l.type === 'generation').length);
    assert.equal(lines.filter((l) => l.verifier === 'cot-score').length, 6);
    assert.deepEqual((JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { config: { verifiers: string[] } }).config.verifiers, ['mc', 'cot-score']);
  });

  it('Export Kept Samples… writes the samples the filter keeps as chat JSONL', async () => {
    const out = join(tmp, 'kept.jsonl');
    fake.recorded.savePath = out;
    fake.recorded.quickPicks.push(pick('quantile:0.5'));
    await fake.recorded.commands.get('gaplens.exportKept')?.(runDir);
    const records = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { messages: { role: string; content: string }[]; meta: { task: string } });
    // quantile:0.5 keeps the samples scored at least each task's median: 2 or 3 of the 3 per task (3 on ties).
    assert.ok(records.length >= 4 && records.length <= 6, `kept ${records.length}`);
    assert.deepEqual(records[0]?.messages.map((m) => m.role), ['user', 'assistant']);
    assert.equal(records[0]?.messages[0]?.content, records[0]?.meta.task === 't1' ? 'What is 2 + 3?' : 'What is 4 * 5?');
    assert.match(fake.recorded.messages.at(-1)?.text ?? '', new RegExp(`^Gap Lens: wrote ${records.length} of 6 samples to kept\\.jsonl\\.$`));
  });

  it('Compare Runs… shows the runs side by side in a page without scripts', async () => {
    await fake.recorded.commands.get('gaplens.compareRuns')?.({ runDir }, [{ runDir }, { runDir: checkDir }]);
    const page = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    assert.equal(page.viewType, 'gaplens.compare');
    assert.equal(page.options.enableScripts, false);
    assert.doesNotMatch(page.webview.html, /<script/);
    // One row per run in the gap table (the first table; the verifier-quality table after it has its own).
    const gapTable = page.webview.html.split('</table>')[0] ?? '';
    assert.equal(gapTable.match(/<tr><th scope="row">fake-model/g)?.length, 2);
    assert.match(page.webview.html, /some tasks have no gold answer \(a Check Selection run\)/);
  });

  /** A run's item in the runs tree, with what the fake TreeItem carries. */
  async function treeItem(dir: string): Promise<{ description: string; tooltip: string; icon: string }> {
    const items = (await fake.recorded.treeViews.get('gaplens.runs')?.getChildren()) as unknown as { id: string; description: string; tooltip: string; iconPath: { id: string } }[];
    const item = items.find((i) => i.id === dir);
    assert.ok(item, `${dir} is not in the runs tree`);
    return { description: item.description, tooltip: item.tooltip, icon: item.iconPath.id };
  }

  async function comparePage(dirs: string[]): Promise<string> {
    await fake.recorded.commands.get('gaplens.compareRuns')?.(dirs.map((d) => ({ runDir: d })));
    return (fake.recorded.panels.at(-1) as FakeWebviewPanel).webview.html;
  }

  function runStateOf(p: FakeWebviewPanel): Extract<HostMessage, { method: 'runState' }>['params'] | undefined {
    return notifications(readyAndRead(p), 'runState').at(-1)?.params;
  }

  let unsureDir: string;

  it('a run whose every verification failed shows "—" and why in the runs tree, the status bar, the panel and Compare — never a gap of 0', async () => {
    // The fake model's answers carry no "Score: N": cot-score cannot read a single one.
    const before = readdirSync(join(ws, '.gaplens', 'runs'));
    fake.recorded.quickPicks.length = 0; // Export Kept Samples… above takes the panel's filter and leaves its scripted answer
    fake.recorded.quickPicks.push(pick('math.tasks.jsonl'), pick('Fake server'), pick('Online'), pick('cot-score', true), pick('quantile:0.5'));
    // N, max tokens, and K verifications per sample (cot-score can draw several): one each.
    fake.recorded.inputs.push(type('3'), keep(), keep());
    await fake.recorded.commands.get('gaplens.runGapCheck')?.();
    [unsureDir] = newRunDirs(before) as [string];
    assert.deepEqual(fake.recorded.quickPicks, [], 'not every scripted question was asked');
    const status = fake.recorded.status.filter((s) => s.visible).at(-1);
    assert.equal(status?.text, '$(graph) Gap Lens: fake-model · math.tasks.jsonl · gap — (0 of 6 scored)');
    assert.match(String(status?.tooltip), /^coverage cot-score: 0 of 6 scored \(6 unparsable\)$/m);

    const item = await treeItem(unsureDir);
    assert.match(item.description, /^cot-score · gap not measured: 0 of 6 scored · /);
    assert.match(item.tooltip, /^coverage cot-score: 0 of 6 scored \(6 unparsable\)$/m);

    const p = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    const state = runStateOf(p);
    assert.deepEqual([state?.live, state?.coverage.verifiers['cot-score']?.scored, state?.coverage.verifiers['cot-score']?.failures.unparsable], [false, 0, 6]);
    p.dispose();

    const page = await comparePage([runDir, unsureDir]);
    const gapTable = page.split('</table>')[0] ?? '';
    assert.equal(gapTable.match(/<span class="value">—<\/span><div class="sub">not measured: cot-score scored 0 of 6 samples: 6 unparsable<\/div>/g)?.length, 3);
    // The other run, whose mc gap is a measured zero, may say 0.00 pp; no row of this one may.
    const unsureRows = page.split('<tr>').map((row) => row.split('</tr>')[0] ?? '').filter((row) => row.includes(basename(unsureDir)));
    assert.ok(unsureRows.length > 0);
    for (const text of [status?.text, item.description, ...unsureRows]) assert.doesNotMatch(String(text), /[+−]?0\.00 pp|\+0\.0000/);
  });

  let earlyDir: string;
  let earlyPanel: FakeWebviewPanel;

  it('a run stopped at 8 of 40 tasks says incomplete in the runs tree, the status bar, the panel and Compare', async () => {
    earlyDir = join(ws, '.gaplens', 'runs', 'early-run');
    const tasks = Array.from({ length: 40 }, (_, t) => task(`t${String(t).padStart(2, '0')}`, '42'));
    await createRunFolder(earlyDir, manifest({ id: 'early-run', config: config({ n: 1, verifiers: ['mc'], model: `openai:fake-model@${server.url}` }) }), tasks);
    const log = await SampleLog.open(earlyDir);
    for (const [t, { id }] of tasks.slice(0, 8).entries()) {
      await log.append(generation(id, 0, t % 2 === 0 ? '42' : '41', t % 2 === 0));
      await log.append(verification(id, 0, 'mc', t % 2 === 0 ? 0.8 : 0.3));
    }
    await log.close();

    const item = await treeItem(earlyDir);
    assert.match(item.description, / · incomplete: 8 of 40 tasks generated$/);
    assert.match(item.tooltip, /^incomplete: 8 of 40 tasks, 8 of 40 samples generated; 32 of 40 verifications outstanding$/m);
    assert.equal(item.icon, 'debug-pause');

    await fake.recorded.commands.get('gaplens.openRun')?.(earlyDir);
    earlyPanel = fake.recorded.panels.at(-1) as FakeWebviewPanel;
    assert.deepEqual(runStateOf(earlyPanel)?.coverage.tasks, { expected: 40, done: 8 });
    const status = fake.recorded.status.filter((s) => s.visible).at(-1);
    assert.match(status?.text ?? '', /^\$\(debug-pause\) Gap Lens: fake-model · set\.tasks\.jsonl · incomplete 8\/40 tasks · gap /);
    assert.match(String(status?.tooltip), /^incomplete: 8 of 40 tasks, 8 of 40 samples generated/m);

    const page = await comparePage([runDir, earlyDir]);
    assert.match(page, /<div class="mark">incomplete: 8 of 40 tasks, 8 of 40 samples generated; 32 of 40 verifications outstanding<\/div>/);
    assert.match(page, /no conclusion: the run is incomplete \(8 of 40 tasks generated\)/);
  });

  it('a run another process is writing says live in the runs tree, the status bar, the panel and Compare', async () => {
    const writer = await holdRunLock(earlyDir);
    try {
      const item = await treeItem(earlyDir);
      assert.match(item.description, / · live: 8 of 40 samples$/);
      assert.match(item.tooltip, /^live: a writer holds the run's lock and is still adding records$/m);
      assert.equal(item.icon, 'pulse');

      const p = earlyPanel;
      readyAndRead(p);
      await until('the panel to see the writer', () => notifications(hostMessages(p), 'runState').at(-1)?.params.live === true);
      await until('the status bar to say live', () => /^\$\(pulse\) Gap Lens: .* · live 8\/40/.test(fake.recorded.status.filter((s) => s.visible).at(-1)?.text ?? ''));

      const page = await comparePage([runDir, earlyDir]);
      assert.match(page, /<div class="mark">live: a writer holds the run&#39;s lock and is still adding records<\/div>/);
    } finally {
      await writer.release();
    }
    assert.doesNotMatch((await treeItem(earlyDir)).description, /live/);
  });

  it('Delete Run removes the run folder after the modal confirmation, and closes its panel', async () => {
    const before = readdirSync(join(ws, '.gaplens', 'runs')).length;
    fake.recorded.messageAnswers.set('Delete run', 'Move to Trash');
    await fake.recorded.commands.get('gaplens.deleteRun')?.({ runDir: checkDir });
    assert.equal(existsSync(checkDir), false);
    assert.equal(checkPanel.isDisposed, true);
    assert.equal(readdirSync(join(ws, '.gaplens', 'runs')).length, before - 1);
    await assert.doesNotReject(async () => fake.recorded.commands.get('gaplens.deleteRun')?.({ runDir: join(ws, 'math.tasks.jsonl') }));
    assert.match(fake.recorded.messages.at(-1)?.text ?? '', /is not a Gap Lens run folder/);
  });

  // Model profiles from the UI, and the run flow as a multi-step input (issue 14, items 6 and 7).
  const userProfiles = (): { name: string; [k: string]: unknown }[] => {
    const updates = fake.recorded.settingUpdates.filter((u) => u.key === 'gaplens.modelProfiles' && u.target === 1);
    return (updates.at(-1)?.value ?? []) as { name: string }[];
  };
  /** Puts gaplens.modelProfiles back as the tests above had it. */
  const restoreProfiles = async (): Promise<void> => {
    const { workspace } = fake.module as { workspace: { getConfiguration(s: string): { update(k: string, v: unknown, t: number): Promise<void> } } };
    await workspace.getConfiguration('gaplens').update('modelProfiles', [
      { name: 'Fake server', backend: 'openai', baseUrl: server.url, model: 'fake-model', maxConcurrency: 4 },
      { name: 'Reasoning server', backend: 'openai', baseUrl: reasoning.url, model: 'o-fake', api: 'chat', maxConcurrency: 2 },
    ], 1);
  };
  const newRunOf = (before: readonly string[]): string => {
    const [dir] = readdirSync(join(ws, '.gaplens', 'runs')).filter((d) => !before.includes(d));
    assert.ok(dir, 'no new run folder');
    return join(ws, '.gaplens', 'runs', dir);
  };

  it('Add Model Profile… checks an endpoint with the doctor and saves the profile to the user settings, beside the ones there', async () => {
    const r = fake.recorded;
    r.quickPicks.push(pick('OpenAI-compatible'), pick('completions'), pick('Continue'), pick('User settings'));
    // The stored key of the server is kept (empty key box) and used by the check.
    r.inputs.push(type(server.url), type('fake-model'), type(''), type('Fake server (added)'));
    const asked = r.questions.length;
    await r.commands.get('gaplens.addModelProfile')?.();
    assert.deepEqual([r.quickPicks, r.inputs], [[], []], 'not every scripted question was asked');
    const questions = r.questions.slice(asked);
    assert.deepEqual(questions.map((q) => `${q.step}/${q.totalSteps}${q.back ? ' back' : ''}`), ['1/8', '2/8 back', '3/8 back', '4/8 back', '5/8 back', '6/8 back', '7/8 back', '8/8 back']);
    assert.match(questions[6]?.text ?? '', /^Check passed: mc exact/);
    assert.deepEqual(userProfiles().map((p) => p.name), ['Fake server', 'Reasoning server', 'Fake server (added)']);
    assert.deepEqual(userProfiles().at(-1), { name: 'Fake server (added)', backend: 'openai', baseUrl: server.url, model: 'fake-model' });
    assert.equal(fake.context.secrets.stored.get(`gaplens.apiKey:${new URL(server.url).origin}`), API_KEY, 'the stored key changed');
    assert.match(r.messages.at(-1)?.text ?? '', /added the model profile "Fake server \(added\)" to your user settings/);
    await restoreProfiles();
  });

  it('Check Model… offers "Add a model profile…" as the run picker does: the profile added (a .gguf file) is saved and checked', async () => {
    const r = fake.recorded;
    let offered: string[] = [];
    r.quickPicks.push((items) => ((offered = items.map((i) => i.label)), items.find((i) => i.label.includes('Add a model profile'))), pick('.gguf file'), pick('Continue'), pick('User settings'));
    r.openPaths.push(STORIES_MODEL);
    r.inputs.push(type('stories to check'));
    const updates = r.settingUpdates.length;
    try {
      await r.commands.get('gaplens.checkModel')?.();
    } finally {
      await restoreProfiles();
    }
    assert.deepEqual([r.quickPicks, r.inputs, r.openPaths], [[], [], []], 'not every scripted question was asked');
    assert.deepEqual(offered, ['Fake server', 'Reasoning server', '', '$(add) Add a model profile…']);
    const saved = r.settingUpdates[updates];
    assert.equal(saved?.target, 1);
    assert.deepEqual((saved?.value as unknown[]).at(-1), { name: 'stories to check', backend: 'llama', modelPath: STORIES_MODEL });
    const text = r.opened.at(-1)?.getText() ?? '';
    assert.ok(text.startsWith(`# Gap Lens: llama:${STORIES_MODEL}`), text);
  });

  it('Add Model Profile… says why an endpoint fails its check, with Retry and Show Log, and saves nothing when cancelled', async () => {
    const r = fake.recorded;
    const updates = r.settingUpdates.length;
    r.quickPicks.push(pick('OpenAI-compatible'), pick('completions'), pick('Retry'), () => undefined);
    r.inputs.push(type(`${server.url.replace(/:\d+/, ':1')}`), type('m'), type(''), keep());
    await r.commands.get('gaplens.addModelProfile')?.();
    const checks = r.questions.filter((q) => q.text.startsWith('Check failed'));
    assert.equal(checks.length, 2, 'Retry checks again');
    assert.match(checks[0]?.text ?? '', /127\.0\.0\.1:1/);
    assert.equal(r.settingUpdates.length, updates);
  });

  it('Run Gap Check… goes Back, numbers its steps, remembers the answers for the next run, and asks max tokens', async () => {
    const r = fake.recorded;
    const before = readdirSync(join(ws, '.gaplens', 'runs'));
    r.quickPicks.push(pick('math.tasks.jsonl'), pick('Fake server'), back(), pick('Fake server'), pick('Online'), pick('mc', true), pick('threshold:0.5'));
    r.inputs.push(type('2'), type('48'));
    const asked = r.questions.length;
    await r.commands.get('gaplens.runGapCheck')?.();
    assert.deepEqual([r.quickPicks, r.inputs], [[], []], 'not every scripted question was asked');
    const questions = r.questions.slice(asked).map((q) => `${q.step}/${q.totalSteps}${q.back ? ' back' : ''} ${q.text}`);
    // The count shrinks as answers rule steps out: a task file has no limit, and no other profile can verify this one.
    // The verifiers offered first (cot-score, the run above) could draw several: K counts until mc is picked.
    assert.deepEqual(questions.slice(0, 5), [
      '1/10 Which tasks?',
      '2/9 back Model profile',
      '3/8 back How are the calls sent?',
      '2/8 back Model profile',
      '3/8 back How are the calls sent?',
    ]);
    const config = (JSON.parse(readFileSync(join(newRunOf(before), 'run.json'), 'utf8')) as { config: { n: number; maxTokens: number; filter: string } }).config;
    assert.deepEqual([config.n, config.maxTokens, config.filter], [2, 48, 'threshold:0.5']);

    // The next run offers the same answers first: cancelled at the filter, after seeing them all.
    let shown: Record<string, unknown>[] = [];
    const seeFirst: typeof r.quickPicks[number] = (items, opts) => void shown.push({ q: opts.placeHolder, first: items.find((i) => i.kind !== -1)?.label });
    r.quickPicks.push(pick('math.tasks.jsonl'), seeFirst);
    await r.commands.get('gaplens.runGapCheck')?.();
    assert.deepEqual(shown, [{ q: 'Model profile', first: 'Fake server' }]);
    shown = [];
    r.quickPicks.push(pick('math.tasks.jsonl'), pick('Fake server'), pick('Online'), (items) => void shown.push({ picked: items.filter((i) => (i as { picked?: boolean }).picked).map((i) => i.label) }));
    r.inputs.push((opts) => (shown.push({ n: opts.value }), opts.value as string), (opts) => (shown.push({ maxTokens: opts.value }), opts.value as string));
    await r.commands.get('gaplens.runGapCheck')?.();
    assert.deepEqual(shown, [{ n: '2' }, { maxTokens: '48' }, { picked: ['mc'] }]);
    // K stays as the cot-score run above answered it: an mc run is not asked.
    assert.deepEqual(fake.context.workspaceState.get('gaplens.runChoices'), { profile: 'Fake server', executor: 'online', n: 2, maxTokens: 48, verifiers: ['mc'], verifications: 1, filter: 'threshold:0.5' });
  });

  it('a failed run offers Retry, Open Settings and Show Log; Open Settings opens the model profiles', async () => {
    const r = fake.recorded;
    const opened: unknown[] = [];
    const settingsCommand = (fake.module.commands as { registerCommand(id: string, fn: (...a: unknown[]) => unknown): { dispose(): void } }).registerCommand('workbench.action.openSettings', (...args) => opened.push(...args));
    r.quickPicks.push(pick('math.tasks.jsonl'), pick('Reasoning server'), pick('Online'), pick('mc', true), pick('quantile:0.5'));
    r.inputs.push(type('2'), keep());
    r.messageAnswers.set('Gap Lens: openai:o-fake', 'Open Settings');
    await r.commands.get('gaplens.runGapCheck')?.();
    settingsCommand.dispose();
    r.messageAnswers.delete('Gap Lens: openai:o-fake');
    assert.deepEqual(opened, ['gaplens.modelProfiles']);
    assert.equal(r.messages.at(-1)?.level, 'error');
  });

  it('offline, the default profile offers "Choose a .gguf File…" when its download fails: the file becomes a user profile and the run goes on with it', async () => {
    const r = fake.recorded;
    const saved = process.env.GAPLENS_DEFAULT_MODEL_URL;
    // A server that has no such file: the download fails at once, as offline.
    process.env.GAPLENS_DEFAULT_MODEL_URL = `${server.url}/models/missing.gguf`;
    try {
      const { workspace } = fake.module as { workspace: { getConfiguration(s: string): { update(k: string, v: unknown, t: number): Promise<void> } } };
      await workspace.getConfiguration('gaplens').update('modelProfiles', [{ name: 'Embedded model (llama:default)', backend: 'llama' }], 1);
      const before = readdirSync(join(ws, '.gaplens', 'runs'));
      r.quickPicks.push(pick('math.tasks.jsonl'), pick('Embedded model'), pick('mc', true), pick('quantile:0.5'));
      r.inputs.push(type('1'), type('8'));
      r.messageAnswers.set('Gap Lens: could not download the default model', 'Choose a .gguf File…');
      r.openPaths.push(STORIES_MODEL);
      await r.commands.get('gaplens.runGapCheck')?.();
      r.messageAnswers.delete('Gap Lens: could not download the default model');
      const failure = r.messages.find((m) => m.text.startsWith('Gap Lens: could not download the default model'));
      assert.ok(failure, 'no download failure shown');
      assert.doesNotMatch(failure.text, /--model|llama:PATH/, 'CLI advice in the extension');
      assert.match(failure.text, /choose a \.gguf model file on this computer/);
      assert.deepEqual(userProfiles().map((p) => p.name), ['Embedded model (llama:default)', 'stories260K']);
      const manifest = JSON.parse(readFileSync(join(newRunOf(before), 'run.json'), 'utf8')) as { completedAt?: string; config: { model: string; maxTokens: number } };
      assert.equal(manifest.config.model, `llama:${STORIES_MODEL}`);
      assert.equal(manifest.config.maxTokens, 8);
      assert.ok(manifest.completedAt, 'the run with the chosen file did not complete');
    } finally {
      if (saved === undefined) delete process.env.GAPLENS_DEFAULT_MODEL_URL;
      else process.env.GAPLENS_DEFAULT_MODEL_URL = saved;
      await restoreProfiles();
    }
  });

  it('"Add a model profile…" in the run flow adds a .gguf file and the run uses it', async () => {
    const r = fake.recorded;
    const before = readdirSync(join(ws, '.gaplens', 'runs'));
    r.quickPicks.push(pick('math.tasks.jsonl'), pick('Add a model profile'), pick('.gguf file'), pick('Continue'), pick('Workspace settings'), pick('mc', true), pick('Same model'), pick('quantile:0.5'));
    r.openPaths.push(STORIES_MODEL);
    r.inputs.push(type('tiny stories'), type('1'), type('8'));
    await r.commands.get('gaplens.runGapCheck')?.();
    assert.deepEqual([r.quickPicks, r.inputs], [[], []], 'not every scripted question was asked');
    const workspaceUpdate = r.settingUpdates.filter((u) => u.target === 2).at(-1);
    assert.deepEqual((workspaceUpdate?.value as unknown[]).at(-1), { name: 'tiny stories', backend: 'llama', modelPath: STORIES_MODEL });
    const manifest = JSON.parse(readFileSync(join(newRunOf(before), 'run.json'), 'utf8')) as { completedAt?: string; config: { model: string } };
    assert.deepEqual([manifest.config.model, Boolean(manifest.completedAt)], [`llama:${STORIES_MODEL}`, true]);
    assert.ok(r.questions.some((q) => q.text === 'Check passed: stories260K.gguf is a GGUF model file (1.2 MB)'));
  });

  it('in Restricted Mode the run picker and the panel say how many workspace profiles are ignored, with a way to Manage Workspace Trust', async () => {
    const r = fake.recorded;
    const { workspace, commands } = fake.module as { workspace: { isTrusted: boolean }; commands: { registerCommand(id: string, fn: () => unknown): { dispose(): void } } };
    let trustOpened = 0;
    const trustCommand = commands.registerCommand('workbench.trust.manage', () => trustOpened++);
    workspace.isTrusted = false;
    try {
      // The workspace's settings hold two profiles since the test above saved one there.
      const note = "Restricted Mode ignores 2 workspace model profiles; trust the workspace to use them";
      let offered: string[] = [];
      r.quickPicks.push(pick('math.tasks.jsonl'), (items) => ((offered = items.map((i) => `${i.label}${(i as { description?: string }).description ? ` — ${(i as { description?: string }).description}` : ''}`)), items[0]));
      await r.commands.get('gaplens.runGapCheck')?.();
      assert.equal(offered[0], `$(shield) Manage Workspace Trust… — ${note}`);
      assert.equal(trustOpened, 1);

      // The panel of the last run, still open.
      const open = r.panels.filter((p) => !p.isDisposed && p.viewType === 'gaplens.panel').at(-1);
      assert.ok(open, 'no open panel');
      const sent = open.posted.length;
      open.send({ kind: 'notify', method: 'ready', params: { state: null } });
      await until('the restricted note', () => open.posted.slice(sent).some((m) => (m as { method?: string }).method === 'restricted'));
      assert.deepEqual(notifications(hostMessages(open), 'restricted').at(-1)?.params, { note });
      open.send({ kind: 'notify', method: 'manageTrust', params: {} });
      await until('Manage Workspace Trust', () => trustOpened === 2);
    } finally {
      workspace.isTrusted = true;
      trustCommand.dispose();
    }
  });

  // Disposables (issue 14 item 12): what the extension is handed goes back, through its DisposableStores.
  it('closing a panel releases what the panel held and leaves everything else as it was', async () => {
    const r = fake.recorded;
    earlyPanel.dispose();
    const before = r.live.list();
    await r.commands.get('gaplens.openRun')?.(earlyDir);
    const panel = r.panels.at(-1) as FakeWebviewPanel;
    assert.notEqual(panel, earlyPanel);
    panel.send({ kind: 'notify', method: 'ready', params: { state: null } });
    await until('the snapshot', () => notifications(hostMessages(panel), 'progress').length > 0);
    assert.ok(r.live.list().length > before.length, 'an open panel holds its webview and listeners');
    panel.dispose();
    assert.deepEqual(r.live.list(), before);
  });

  it('leaves nothing live once deactivated and its subscriptions disposed: no listener, registration, panel, tree, watcher or emitter', async () => {
    assert.ok(fake.recorded.live.list().length > 0, 'the activated extension holds nothing: the leak check would check nothing');
    await ext.deactivate();
    for (const d of fake.context.subscriptions.splice(0)) await d.dispose();
    assert.deepEqual(fake.recorded.live.list(), []);
  });
});
