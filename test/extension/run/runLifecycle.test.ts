// The run lifecycle in the built extension (fake VS Code, real HTTP model server): Cancel from the
// panel's run-actions bar, the runs tree telling cancelled from failed, Resume from the panel, the
// notification of a long run, Label Run…, the status bar following the focused panel, Delete to the trash.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMAND_IDS } from '../../../src/extension/commandIds';
import { RUN_NOTES_FILE } from '../../../src/extension/run/runNotes';
import { parseHostMessage } from '../../../src/protocol/panelProtocol';
import { startFakeOpenAI, type FakeOpenAI } from '../../fixtures/openaiServer';
import { REPO } from '../../helpers/cli';
import { closeExtension, extensionSandbox, loadBuiltExtension, type ExtensionModule, type ExtensionSandbox } from '../fakes/extensionSandbox';
import { installFakeVscode, keep, pick, type, type FakeVscode, type FakeWebviewPanel } from '../fakes/fakeVscode';

interface TreeItem {
  label: string;
  description?: string;
  contextValue?: string;
  iconPath?: { id: string };
  runDir?: string;
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function generations(dir: string): number {
  const file = join(dir, 'samples.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('"type":"generation"')).length : 0;
}

/** Focus moves to `to` (VS Code fires a view-state change on both panels). */
function focus(to: FakeWebviewPanel, from: FakeWebviewPanel): void {
  from.active = false;
  from.viewState.fire({});
  to.active = true;
  to.viewState.fire({});
}

describe('run lifecycle (built bundle, fake VS Code, real HTTP model server)', function () {
  this.timeout(90_000);
  let sandbox: ExtensionSandbox;
  let server: FakeOpenAI;
  let fake: FakeVscode;
  let ext: ExtensionModule;
  let runsRoot: string;
  let firstDir: string;
  let firstPanel: FakeWebviewPanel;

  before(() => {
    sandbox = extensionSandbox();
  });

  before(async () => {
    // Slow enough to cancel mid-run: one call at a time, 60 ms each.
    server = await startFakeOpenAI({ latencyMs: 60 });
    const profiles = [{ name: 'Fake server', backend: 'openai', baseUrl: server.url, model: 'fake-model', maxConcurrency: 1 }];
    fake = installFakeVscode({
      extensionPath: REPO,
      workspaceFolder: sandbox.ws,
      globalStorage: join(sandbox.tmp, 'global'),
      settings: { 'gaplens.modelProfiles': profiles, 'gaplens.runsFolder': '.gaplens/runs', 'gaplens.notifyLongRunSeconds': 0 },
      userSettings: { 'gaplens.modelProfiles': profiles },
    });
    ext = loadBuiltExtension();
    ext.activate(fake.context);
    assert.ok(COMMAND_IDS.every((id) => fake.recorded.commands.has(id)));
    runsRoot = join(sandbox.ws, '.gaplens', 'runs');
  });

  after(async () => {
    await closeExtension(ext, fake);
    await server?.close();
    sandbox?.cleanup();
  });

  const runs = async (): Promise<TreeItem[]> => (await fake.recorded.treeViews.get('gaplens.runs')?.getChildren()) as TreeItem[];
  const item = async (dir: string): Promise<TreeItem> => {
    const found = (await runs()).find((i) => i.runDir === dir);
    assert.ok(found, `${dir} is not in the runs tree`);
    return found;
  };
  const lastStatus = (): string => fake.recorded.status.filter((s) => s.visible).at(-1)?.text ?? '';

  /** Starts Run Gap Check… on math.tasks.jsonl with N samples; resolves once its panel shows a generation. */
  async function startRun(n: number): Promise<{ done: Promise<unknown>; dir: string; panel: FakeWebviewPanel }> {
    const r = fake.recorded;
    const before = new Set(existsSync(runsRoot) ? readdirSync(runsRoot) : []);
    const panels = r.panels.length;
    r.quickPicks.push(pick('math.tasks.jsonl'), pick('Fake server'), pick('Online'), pick('mc', true), pick('quantile:0.5'));
    r.inputs.push(type(String(n)), keep());
    const done = Promise.resolve(r.commands.get('gaplens.runGapCheck')?.());
    await until('the run folder', () => existsSync(runsRoot) && readdirSync(runsRoot).some((d) => !before.has(d)));
    const dir = join(runsRoot, readdirSync(runsRoot).find((d) => !before.has(d)) as string);
    await until('a first generation', () => r.panels.length > panels && generations(dir) > 0);
    return { done, dir, panel: r.panels.at(-1) as FakeWebviewPanel };
  }

  function replies(panel: FakeWebviewPanel, id: number): unknown[] {
    return panel.posted.filter((m) => (m as { kind?: string; id?: number }).kind === 'reply' && (m as { id?: number }).id === id);
  }

  it("Cancel on the panel's bar stops the run: the tree shows it cancelled (its own icon, Resume inline), the panel offers Resume", async () => {
    const run = await startRun(8);
    firstDir = run.dir;
    firstPanel = run.panel;
    firstPanel.send({ kind: 'notify', method: 'ready', params: { state: null } });
    firstPanel.send({ kind: 'request', id: 901, method: 'runAction', params: { action: 'cancel' } });
    await run.done;
    assert.deepEqual(replies(firstPanel, 901), [{ kind: 'reply', id: 901, ok: true, result: {} }]);
    assert.ok(generations(firstDir) < 16, 'the run was not cancelled');
    assert.deepEqual(JSON.parse(readFileSync(join(firstDir, RUN_NOTES_FILE), 'utf8')), { ended: 'cancelled' });
    const cancelled = await item(firstDir);
    assert.deepEqual([cancelled.contextValue, cancelled.iconPath?.id], ['gaplens.run.cancelled', 'circle-slash']);
    assert.equal(cancelled.label, 'fake-model · math.tasks.jsonl');
    assert.match(cancelled.description ?? '', / · cancelled: \d of 2 tasks generated$/);
    // The menus offer Resume inline on exactly the resumable states.
    const menus = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when: string; group: string }[]> } }).contributes.menus['view/item/context'] ?? [];
    const resumeInline = menus.find((m) => m.command === 'gaplens.resumeRun' && m.group.startsWith('inline'));
    assert.ok(resumeInline && new RegExp(/viewItem =~ \/(.*)\/$/.exec(resumeInline.when)?.[1] ?? '^$').test('gaplens.run.cancelled'));
    assert.ok(!new RegExp(/viewItem =~ \/(.*)\/$/.exec(resumeInline.when)?.[1] ?? '').test('gaplens.run.complete'));
    // The panel's last progress says how to go on with the button it has, not "Open Run…".
    const progress = firstPanel.posted.map((m) => parseHostMessage(m)).flatMap((p) => (p.ok && p.value.kind === 'notify' && p.value.method === 'progress' ? [p.value.params] : [])).at(-1);
    assert.equal(progress?.status, 'cancelled');
    assert.match(progress?.message ?? '', /^Cancelled\. Everything finished so far is saved in .*; Resume \(in the panel or on the run in the Gap Lens runs view\) continues it\.$/);
    assert.match(lastStatus(), /^\$\(circle-slash\) Gap Lens: fake-model · math\.tasks\.jsonl · cancelled \d\/2 tasks/);
  });

  it("Resume on the panel's bar completes the run, and a long run says it finished with Open", async () => {
    fake.recorded.messageAnswers.set('Gap Lens: fake-model · math.tasks.jsonl finished', 'Open');
    firstPanel.send({ kind: 'request', id: 902, method: 'runAction', params: { action: 'resume' } });
    await until('the resumed run to finish', () => fake.recorded.messages.some((m) => m.text.startsWith('Gap Lens: fake-model · math.tasks.jsonl finished')), 60_000);
    assert.deepEqual(replies(firstPanel, 902), [{ kind: 'reply', id: 902, ok: true, result: {} }]);
    assert.match(fake.recorded.messages.find((m) => m.text.includes('finished'))?.text ?? '', /^Gap Lens: fake-model · math\.tasks\.jsonl finished in \d+ s: gap /);
    await until('the tree to say complete', () => false === existsSync(join(firstDir, RUN_NOTES_FILE)));
    assert.equal(generations(firstDir), 16);
    const complete = await item(firstDir);
    assert.deepEqual([complete.contextValue, complete.iconPath?.id], ['gaplens.run.complete', 'graph']);
  });

  it('Label Run… names the run in the runs tree, its tab and the status bar (gaplens-ui.json, run.json untouched)', async () => {
    const manifest = readFileSync(join(firstDir, 'run.json'), 'utf8');
    fake.recorded.inputs.push(type('  baseline  '));
    await fake.recorded.commands.get('gaplens.labelRun')?.({ runDir: firstDir });
    assert.deepEqual(JSON.parse(readFileSync(join(firstDir, RUN_NOTES_FILE), 'utf8')), { label: 'baseline' });
    assert.equal(readFileSync(join(firstDir, 'run.json'), 'utf8'), manifest);
    assert.equal((await item(firstDir)).label, 'baseline');
    assert.match((await item(firstDir)).description ?? '', /^fake-model · math\.tasks\.jsonl · mc · /);
    await until('the tab title', () => firstPanel.title.startsWith('Gap Lens: baseline · '));
    await until('the status bar', () => lastStatus().startsWith('$(graph) Gap Lens: baseline'), 5000);
  });

  it('the status bar follows the focused panel, not the run that reported last', async () => {
    const second = await startRun(8);
    // Focus back on the first run's panel while the second run goes on reporting.
    const from = fake.recorded.status.length;
    focus(firstPanel, second.panel);
    await second.done;
    const shown = fake.recorded.status.slice(from).filter((s) => s.visible).map((s) => s.text);
    assert.ok(shown.length > 0 && shown.every((t) => t.startsWith('$(graph) Gap Lens: baseline')), `the status bar showed another run: ${shown.join(' | ')}`);
    focus(second.panel, firstPanel);
    assert.match(lastStatus(), /^\$\(graph\) Gap Lens: fake-model · math\.tasks\.jsonl · gap /);
    focus(firstPanel, second.panel);
    assert.match(lastStatus(), /^\$\(graph\) Gap Lens: baseline · gap /);
    // Two runs of one model and task set: their tabs differ by label (or else by time).
    assert.notEqual(firstPanel.title, second.panel.title);
  });

  it('Delete Run moves the folder to the trash; without a trash it asks before deleting for good', async () => {
    fake.recorded.messageAnswers.set('Delete run', 'Move to Trash');
    await fake.recorded.commands.get('gaplens.deleteRun')?.({ runDir: firstDir });
    assert.deepEqual(fake.recorded.deleted, [{ path: firstDir, useTrash: true }]);
    assert.equal(existsSync(firstDir), false);
    assert.equal(firstPanel.isDisposed, true);

    const other = join(runsRoot, readdirSync(runsRoot)[0] as string);
    fake.recorded.noTrash = 'the trash is not supported here';
    await fake.recorded.commands.get('gaplens.deleteRun')?.({ runDir: other });
    assert.equal(existsSync(other), true, 'deleted for good without a yes');
    assert.match(fake.recorded.messages.at(-1)?.text ?? '', /cannot be moved to the trash here\. Delete it permanently\?/);
    fake.recorded.messageAnswers.set(`${other.split('/').at(-1)} cannot be moved`, 'Delete Permanently');
    await fake.recorded.commands.get('gaplens.deleteRun')?.({ runDir: other });
    assert.equal(existsSync(other), false);
    assert.deepEqual(fake.recorded.deleted.at(-1), { path: other, useTrash: false });
  });
});
