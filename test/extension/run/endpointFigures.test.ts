// A model profile whose `baseUrls` lists several servers of one model, run from VS Code (built
// bundle, fake VS Code, real HTTP servers): the run goes to every server, and the panel is sent
// each endpoint's live figures while it executes, then an empty list when it stops
// (docs/run-format.md, "Several endpoints").
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHostMessage, type HostNotificationParams } from '../../../src/protocol/panelProtocol';
import { startFakeOpenAI, type FakeOpenAI } from '../../fixtures/openaiServer';
import { REPO } from '../../helpers/cli';
import { waitFor } from '../../helpers/runs';
import { closeExtension, type ExtensionModule } from '../fakes/extensionSandbox';
import { installFakeVscode, keep, pick, type, type FakeVscode, type FakeWebviewPanel } from '../fakes/fakeVscode';

const DIST = join(REPO, 'dist');


describe('a model profile with several baseUrls in VS Code (built bundle, fake VS Code, real HTTP servers)', function () {
  this.timeout(60_000);
  let tmp: string;
  let servers: FakeOpenAI[];
  let fake: FakeVscode | undefined;
  let ext: ExtensionModule | undefined;
  const savedCacheDir = process.env.GAPLENS_CACHE_DIR;

  before(async () => {
    assert.ok(existsSync(join(DIST, 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
    tmp = mkdtempSync(join(tmpdir(), 'gaplens-'));
    process.env.GAPLENS_CACHE_DIR = join(tmp, 'cache');
    // Slow enough answers that the run lasts several of the figures' one-second reports.
    servers = await Promise.all([0, 1].map(() => startFakeOpenAI({ latencyMs: 400 })));
  });

  after(async () => {
    await closeExtension(ext, fake);
    await Promise.all(servers.map((s) => s.close()));
    if (savedCacheDir === undefined) delete process.env.GAPLENS_CACHE_DIR;
    else process.env.GAPLENS_CACHE_DIR = savedCacheDir;
    rmSync(tmp, { recursive: true, force: true });
  });

  it("runs on every server and sends the panel each endpoint's figures while the run executes, then none", async () => {
    const ws = join(tmp, 'ws');
    mkdirSync(ws);
    writeFileSync(join(ws, 'math.tasks.jsonl'), Array.from({ length: 6 }, (_, i) => `{"id":"t${i}","question":"What is ${i} + 1?","answer":"${i + 1}","grader":"numeric"}\n`).join(''));
    const profile = { name: 'Fleet', backend: 'openai', baseUrls: servers.map((s) => s.url), model: 'fake-model', maxConcurrency: 2 };
    fake = installFakeVscode({ extensionPath: REPO, workspaceFolder: ws, globalStorage: join(tmp, 'global'), settings: { 'gaplens.modelProfiles': [profile] }, userSettings: { 'gaplens.modelProfiles': [profile] } });
    for (const file of readdirSync(DIST)) delete require.cache[join(DIST, file)];
    ext = require(join(DIST, 'extension.js')) as ExtensionModule;
    ext.activate(fake.context);
    const r = fake.recorded;
    r.quickPicks.push(pick('math.tasks.jsonl'), pick('Fleet'), pick('Online'), pick('mc', true), pick('quantile:0.5'));
    r.inputs.push(type('2'), keep());
    const running = r.commands.get('gaplens.runGapCheck')?.();
    await waitFor(() => r.panels.length === 1, 20_000, 'the run panel');
    const panel = r.panels[0] as FakeWebviewPanel;
    panel.send({ kind: 'notify', method: 'ready', params: { state: null } });
    await running;
    assert.deepEqual(r.messages.filter((m) => m.level === 'error'), []);

    const figures: HostNotificationParams['endpoints'][] = panel.posted.flatMap((raw) => {
      const parsed = parseHostMessage(raw);
      assert.ok(parsed.ok, `the host posted an invalid message: ${parsed.ok ? '' : parsed.error}`);
      const m = parsed.value;
      return m.kind === 'notify' && m.method === 'endpoints' ? [m.params] : [];
    });
    assert.ok(figures.length >= 2, `${figures.length} endpoint messages`);
    const during = figures.slice(0, -1);
    for (const { models } of during) {
      assert.equal(models.length, 1);
      assert.equal(models[0]?.model, `openai:fake-model@${servers.map((s) => s.url).join(',')}`);
      assert.deepEqual(models[0]?.endpoints.map((e) => e.url), servers.map((s) => s.url));
    }
    assert.ok(during.some(({ models }) => models[0]?.endpoints.every((e) => e.answered > 0)), 'no report shows both servers answering');
    assert.deepEqual(figures.at(-1), { models: [] }, 'the figures were not cleared when the run stopped');
    servers.forEach((s, i) => assert.ok(s.counters.ok > 0, `server ${i} took no call`));
  });
});
