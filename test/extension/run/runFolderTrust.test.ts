// A run folder names its models in run.json; in VS Code only the user's own profiles are the user's
// word: a key goes to an endpoint no user profile names only after asking, and in Restricted Mode
// a workspace run folder runs only with models of user-level profiles. Built bundle, fake VS Code,
// real HTTP model server, a real run folder made by the CLI.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../../fixtures/openaiServer';
import { REPO, runCli } from '../../helpers/cli';
import { closeExtension, type ExtensionModule } from '../fakes/extensionSandbox';
import { installFakeVscode, type FakeVscode } from '../fakes/fakeVscode';

const DIST = join(REPO, 'dist');
const API_KEY = 'sk-run-folder-trust-7f3a';


describe('run folders and API keys in VS Code (built bundle, fake VS Code, real HTTP server)', function () {
  this.timeout(120_000);
  let tmp: string;
  let ws: string;
  let server: FakeOpenAI;
  let runDir: string;
  let fake: FakeVscode | undefined;
  let ext: ExtensionModule | undefined;
  const savedCacheDir = process.env.GAPLENS_CACHE_DIR;
  const profile = (): Record<string, unknown> => ({ name: 'Fake server', backend: 'openai', baseUrl: server.url, model: 'fake-model', maxConcurrency: 4 });

  before(async () => {
    assert.ok(existsSync(join(DIST, 'extension.js')), 'dist/extension.js is missing: run `npm run build` first');
    tmp = mkdtempSync(join(tmpdir(), 'gaplens-'));
    ws = join(tmp, 'ws');
    mkdirSync(ws);
    server = await startFakeOpenAI({ apiKey: API_KEY });
  });

  beforeEach(async () => {
    // A complete run made by the CLI (with the key: the user named the endpoint), then cut back so
    // that resuming it needs model calls; a fresh response cache for the extension.
    rmSync(join(ws, '.gaplens'), { recursive: true, force: true });
    writeFileSync(join(ws, 'math.tasks.jsonl'), '{"id":"t1","question":"What is 2 + 3?","answer":"5","grader":"numeric"}\n');
    runDir = join(ws, '.gaplens', 'runs', 'shared-run');
    const made = await runCli(['run', '--tasks', join(ws, 'math.tasks.jsonl'), '--model', `openai:fake-model@${server.url}`, '-n', '2', '--out', runDir, '--no-cache'], {
      env: { OPENAI_API_KEY: API_KEY },
    });
    assert.equal(made.code, 0, made.stderr);
    const samples = join(runDir, 'samples.jsonl');
    writeFileSync(samples, readFileSync(samples, 'utf8').split('\n').filter((l) => l.includes('"type":"generation"')).map((l) => `${l}\n`).join(''));
    process.env.GAPLENS_CACHE_DIR = join(tmp, `cache-${Date.now()}`);
    server.requests.length = 0;
  });

  afterEach(async () => {
    await closeExtension(ext, fake);
    fake = undefined;
    ext = undefined;
  });

  after(async () => {
    await server?.close();
    if (savedCacheDir === undefined) delete process.env.GAPLENS_CACHE_DIR;
    else process.env.GAPLENS_CACHE_DIR = savedCacheDir;
    rmSync(tmp, { recursive: true, force: true });
  });

  function start(opts: { trusted: boolean; userProfiles: boolean; keyAnswer?: string }): FakeVscode {
    fake = installFakeVscode({
      extensionPath: REPO,
      workspaceFolder: ws,
      globalStorage: join(tmp, 'global'),
      trusted: opts.trusted,
      // In Restricted Mode VS Code leaves workspace values of restricted settings out of get().
      settings: { 'gaplens.modelProfiles': opts.trusted || opts.userProfiles ? [profile()] : undefined },
      userSettings: opts.userProfiles ? { 'gaplens.modelProfiles': [profile()] } : {},
    });
    fake.context.secrets.stored.set(`gaplens.apiKey:${new URL(server.url).origin}`, API_KEY);
    fake.recorded.messageAnswers.set('Gap Lens: run ', 'Resume');
    if (opts.keyAnswer !== undefined) fake.recorded.messageAnswers.set('Gap Lens: send your API key', opts.keyAnswer);
    for (const file of readdirSync(DIST)) delete require.cache[join(DIST, file)];
    ext = require(join(DIST, 'extension.js')) as ExtensionModule;
    ext.activate(fake.context);
    return fake;
  }

  const resume = async (f: FakeVscode): Promise<void> => {
    await f.recorded.commands.get('gaplens.openRun')?.(runDir);
  };
  const keyQuestion = (f: FakeVscode): string[] => f.recorded.messages.filter((m) => m.text.startsWith('Gap Lens: send your API key')).map((m) => m.text);
  const verifications = (): number => readFileSync(join(runDir, 'samples.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"verification"')).length;

  it('asks before sending the key to an endpoint only the run folder names, and sends it when told to', async () => {
    const f = start({ trusted: true, userProfiles: false, keyAnswer: 'Send Key' });
    await resume(f);
    assert.deepEqual(keyQuestion(f), [`Gap Lens: send your API key for ${new URL(server.url).origin} to it?`]);
    assert.ok(server.requests.length > 0 && server.requests.every((r) => r.authorization === `Bearer ${API_KEY}`));
    assert.equal(verifications(), 2);
  });

  it('runs without the key when told to (the server then refuses), and sends nothing when the question is dismissed', async () => {
    const f = start({ trusted: true, userProfiles: false, keyAnswer: 'Run Without Key' });
    await resume(f);
    assert.ok(server.requests.length > 0 && server.requests.every((r) => r.authorization === undefined));
    assert.equal(verifications(), 0);
    await ext?.deactivate();
    f.uninstall();
    server.requests.length = 0;
    const dismissed = start({ trusted: true, userProfiles: false });
    await resume(dismissed);
    assert.equal(keyQuestion(dismissed).length, 1);
    assert.equal(server.requests.length, 0);
  });

  it('does not ask when a user-level profile names the endpoint', async () => {
    const f = start({ trusted: true, userProfiles: true });
    await resume(f);
    assert.deepEqual(keyQuestion(f), []);
    assert.equal(verifications(), 2);
  });

  it('in Restricted Mode refuses a workspace run folder whose model no user profile names, before any call', async () => {
    const f = start({ trusted: false, userProfiles: false, keyAnswer: 'Send Key' });
    await resume(f);
    assert.equal(server.requests.length, 0);
    assert.ok(
      f.recorded.messages.some((m) => m.level === 'error' && /runs openai:fake-model@.*which no model profile in your user settings names\. In Restricted Mode/.test(m.text)),
      JSON.stringify(f.recorded.messages),
    );
    assert.equal(existsSync(join(runDir, 'run.lock')), false, 'the lock was not left behind');
  });

  it('in Restricted Mode runs a workspace run folder whose model a user profile names', async () => {
    const f = start({ trusted: false, userProfiles: true });
    await resume(f);
    assert.equal(verifications(), 2);
  });
});
