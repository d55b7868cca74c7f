// Cross-verification in VS Code: Run Gap Check… and Re-verify Run… let another model profile run
// the verifiers (the paper's gap(f, g)). Built bundle, fake VS Code, two real HTTP model servers —
// the generator and the verifier, each with its own key — and the run folder, the panel's run
// summary and Compare as the user sees them.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHostMessage, type RunSummary } from '../../../src/protocol/panelProtocol';
import { startFakeOpenAI, type FakeOpenAI } from '../../fixtures/openaiServer';
import { REPO } from '../../helpers/cli';
import { isProbeRequest, isVerificationRequest } from '../../helpers/runs';
import { closeExtension, extensionSandbox, loadBuiltExtension, type ExtensionModule, type ExtensionSandbox } from '../fakes/extensionSandbox';
import { installFakeVscode, keep, pick, type, type FakeVscode, type FakeWebviewPanel } from '../fakes/fakeVscode';

const GEN_KEY = 'sk-generator-31c9';
const JUDGE_KEY = 'sk-judge-8a0e';


function readConfig(dir: string): { model: string; verifiers: string[]; verifierModels?: Record<string, string> } {
  return (JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { config: { model: string; verifiers: string[]; verifierModels?: Record<string, string> } }).config;
}

describe('cross-verification in VS Code (built bundle, fake VS Code, two real HTTP model servers)', function () {
  this.timeout(60_000);
  let sandbox: ExtensionSandbox;
  let tmp: string;
  let ws: string;
  let gen: FakeOpenAI;
  let judge: FakeOpenAI;
  let fake: FakeVscode;
  let ext: ExtensionModule;
  let genModel: string;
  let judgeModel: string;

  before(async () => {
    sandbox = extensionSandbox();
    ({ tmp, ws } = sandbox);
    // Each server serves only its own model and takes only its own key: a call sent to the wrong one fails.
    gen = await startFakeOpenAI({ apiKey: GEN_KEY, models: ['gen'] });
    judge = await startFakeOpenAI({ apiKey: JUDGE_KEY, models: ['judge'] });
    genModel = `openai:gen@${gen.url}`;
    judgeModel = `openai:judge@${judge.url}`;
    const profiles = [
      { name: 'Generator', backend: 'openai', baseUrl: gen.url, model: 'gen', maxConcurrency: 4 },
      { name: 'Judge', backend: 'openai', baseUrl: judge.url, model: 'judge', maxConcurrency: 4 },
    ];
    fake = installFakeVscode({
      extensionPath: REPO,
      workspaceFolder: ws,
      globalStorage: join(tmp, 'global'),
      settings: { 'gaplens.modelProfiles': profiles, 'gaplens.runsFolder': '.gaplens/runs' },
      userSettings: { 'gaplens.modelProfiles': profiles },
    });
    fake.context.secrets.stored.set(`gaplens.apiKey:${new URL(gen.url).origin}`, GEN_KEY);
    fake.context.secrets.stored.set(`gaplens.apiKey:${new URL(judge.url).origin}`, JUDGE_KEY);
    ext = loadBuiltExtension();
    ext.activate(fake.context);
  });

  after(async () => {
    await closeExtension(ext, fake);
    await gen?.close();
    await judge?.close();
    sandbox?.cleanup();
  });

  const mark = (): { gen: number; judge: number } => ({ gen: gen.requests.length, judge: judge.requests.length });

  /** Runs Run Gap Check… on the task file with the given verifier model answer; returns the new run folder. */
  async function runGapCheck(verifierModel: string): Promise<string> {
    const r = fake.recorded;
    const before = existsSync(join(ws, '.gaplens', 'runs')) ? readdirSync(join(ws, '.gaplens', 'runs')) : [];
    r.quickPicks.push(pick('math.tasks.jsonl'), pick('Generator'), pick('Online'), pick('mc', true), pick(verifierModel), pick('quantile:0.5'));
    r.inputs.push(type('2'), keep());
    await r.commands.get('gaplens.runGapCheck')?.();
    assert.deepEqual(r.quickPicks, [], 'not every scripted question was asked');
    assert.deepEqual(r.messages.filter((m) => m.level !== 'info'), []);
    const made = readdirSync(join(ws, '.gaplens', 'runs')).filter((d) => !before.includes(d));
    assert.equal(made.length, 1);
    return join(ws, '.gaplens', 'runs', made[0] as string);
  }

  /** The run summary the panel gets when its webview says ready (validated as the webview validates it). */
  function panelSummary(p: FakeWebviewPanel): RunSummary {
    p.posted.length = 0;
    p.send({ kind: 'notify', method: 'ready', params: { state: null } });
    for (const raw of p.posted) {
      const parsed = parseHostMessage(raw);
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
      if (parsed.value.kind === 'notify' && parsed.value.method === 'init') return parsed.value.params.run;
    }
    throw new Error('no init message');
  }

  let crossDir: string;
  let selfDir: string;

  it('Run Gap Check… with the Judge profile as verifier model: the Generator only generates, the Judge only verifies, each with its own key', async () => {
    const since = mark();
    crossDir = await runGapCheck('Judge');
    const config = readConfig(crossDir);
    assert.equal(config.model, genModel);
    assert.deepEqual(config.verifiers, ['mc@judge']);
    assert.deepEqual(config.verifierModels, { 'mc@judge': judgeModel });
    const lines = readFileSync(join(crossDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; verifier?: string });
    assert.equal(lines.filter((l) => l.type === 'generation').length, 4);
    assert.deepEqual(lines.filter((l) => l.type === 'verification').map((l) => l.verifier), ['mc@judge', 'mc@judge', 'mc@judge', 'mc@judge']);

    // Each endpoint is probed for its capabilities before the run; the probe neither generates nor verifies.
    const toGen = gen.requests.slice(since.gen).filter((q) => !isProbeRequest(q));
    const toJudge = judge.requests.slice(since.judge).filter((q) => !isProbeRequest(q));
    assert.ok(toGen.length > 0 && toJudge.length > 0);
    assert.deepEqual(toGen.filter(isVerificationRequest).map((q) => q.seq), [], 'the generator was asked to verify');
    assert.deepEqual(toJudge.filter((q) => !isVerificationRequest(q)).map((q) => q.seq), [], 'the judge was asked to generate');
    assert.deepEqual([...new Set(toGen.map((q) => q.authorization))], [`Bearer ${GEN_KEY}`]);
    assert.deepEqual([...new Set(toJudge.map((q) => q.authorization))], [`Bearer ${JUDGE_KEY}`]);

    const summary = panelSummary(fake.recorded.panels.at(-1) as FakeWebviewPanel);
    assert.equal(summary.model, genModel);
    assert.equal(summary.selector, 'mc@judge');
    assert.deepEqual(summary.verifierModels, { 'mc@judge': judgeModel });
  });

  it('Run Gap Check… with "Same model": plain verifier names, nothing sent to the Judge', async () => {
    const since = mark();
    selfDir = await runGapCheck('Same model');
    const config = readConfig(selfDir);
    assert.deepEqual([config.verifiers, config.verifierModels], [['mc'], undefined]);
    assert.equal(judge.requests.length, since.judge);
    assert.equal(panelSummary(fake.recorded.panels.at(-1) as FakeWebviewPanel).verifierModels, undefined);
  });

  it('Re-verify Run… by the Judge profile adds mc@judge over the same generations, without calling the Generator', async () => {
    // The cross run asked the Judge the very same prompts (same tasks, seed and generator): a fresh cache makes it answer again.
    process.env.GAPLENS_CACHE_DIR = join(tmp, 'cache-reverify');
    const since = mark();
    let offered: string[] = [];
    fake.recorded.quickPicks.push(pick('Judge'), (items) => {
      offered = items.filter((i) => i.kind !== -1).map((i) => i.label);
      return items.filter((i) => i.label === 'mc');
    });
    await fake.recorded.commands.get('gaplens.reverifyRun')?.(selfDir);
    assert.deepEqual(fake.recorded.quickPicks, []);
    assert.ok(offered.includes('mc'), `mc@judge is not in the run yet, so mc is offered: ${offered.join(', ')}`);
    const config = readConfig(selfDir);
    assert.deepEqual(config.verifiers, ['mc', 'mc@judge']);
    assert.deepEqual(config.verifierModels, { 'mc@judge': judgeModel });
    assert.equal(gen.requests.length, since.gen, 'the generator was called');
    assert.ok(judge.requests.length > since.judge);
    assert.ok(judge.requests.slice(since.judge).filter((q) => !isProbeRequest(q)).every(isVerificationRequest));
    const verifications = readFileSync(join(selfDir, 'samples.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { verifier?: string }).filter((l) => l.verifier === 'mc@judge');
    assert.equal(verifications.length, 4);
  });

  it('Re-verify Run… does not offer a verifier the run already has under that model', async () => {
    let offered: string[] = [];
    fake.recorded.quickPicks.push(pick('Judge'), (items) => {
      offered = items.filter((i) => i.kind !== -1).map((i) => i.label);
      return undefined;
    });
    await fake.recorded.commands.get('gaplens.reverifyRun')?.(crossDir);
    assert.deepEqual(offered, ['cot-binary', 'cot-score', 'tournament']);
  });

  it('Compare Runs… says which run was verified by another model', async () => {
    await fake.recorded.commands.get('gaplens.compareRuns')?.([{ runDir: crossDir }, { runDir: selfDir }]);
    const page = (fake.recorded.panels.at(-1) as FakeWebviewPanel).webview.html;
    assert.equal(page.match(/gap\(f, g\): verified by judge/g)?.length, 1, 'only the cross-verified run (the self run compares by its first verifier, mc)');
  });
});
