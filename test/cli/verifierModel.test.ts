// Cross-verification as a run option: `gaplens run --verifier-model SPEC` has SPEC run every verifier
// of the run (the paper's gap(f, g)) while --model only generates. Two real fake servers, the
// generator A and the verifier B, and real CLI processes: which server gets which call, what the run
// folder records, what the report says, resume with and without the flag, and where the key goes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, assertResumeHint, cleanEnv, dropVerifications, FatalSwitch, isTaskRequest, isVerificationRequest, readRecords, readRunJson, writeTasks } from '../helpers/runs';
import { startFakeOpenAI, type FakeAnswer, type FakeOpenAI, type FakeRequest, type LoggedRequest } from '../fixtures/openaiServer';

const KEY = 'sk-test-verifier-model-5e1d';


/** The verifier server's answers: cot-score prompts get a readable score; mc gets the default distribution. */
function judgeAnswers(fatal: FatalSwitch) {
  return (req: FakeRequest): FakeAnswer | undefined => fatal.respond(req) ?? (req.topLogprobs === undefined && req.prompt.endsWith('Verification:') ? { text: ' The steps add up.\nScore: 7' } : undefined);
}

describe('gaplens run --verifier-model', function () {
  this.timeout(120000);
  let tmp: { dir: string; cleanup: () => void };
  let gen: FakeOpenAI;
  let judge: FakeOpenAI;
  let tasks: string;
  let genModel: string;
  let judgeModel: string;
  const judgeFatal = new FatalSwitch();

  before(async () => {
    tmp = tempDir();
    gen = await startFakeOpenAI({ models: ['gen'] });
    judge = await startFakeOpenAI({ models: ['judge'], respond: judgeAnswers(judgeFatal) });
    tasks = join(tmp.dir, 'tasks.jsonl');
    writeTasks(tasks, 4);
    genModel = `openai:gen@${gen.url}`;
    judgeModel = `openai:judge@${judge.url}`;
  });
  afterEach(() => {
    judgeFatal.from = Infinity;
  });
  after(async () => {
    await gen.close();
    await judge.close();
    tmp.cleanup();
  });

  /** Where the servers' request logs stand now. */
  const mark = (): { gen: number; judge: number } => ({ gen: gen.requests.length, judge: judge.requests.length });

  /** The requests of runs (not the capability probes before them) each server answered since `since`. */
  const runRequests = (since: { gen: number; judge: number }): { toGen: LoggedRequest[]; toJudge: LoggedRequest[] } => ({
    toGen: gen.requests.slice(since.gen).filter(isTaskRequest),
    toJudge: judge.requests.slice(since.judge).filter(isTaskRequest),
  });

  /** Every request of a run since `since` went where it belongs: generations to A, verifications to B. */
  function assertSplit(since: { gen: number; judge: number }): void {
    const { toGen, toJudge } = runRequests(since);
    assert.ok(toGen.length > 0 && toJudge.length > 0);
    assert.deepEqual(toGen.filter(isVerificationRequest).map((r) => r.seq), [], 'the generator was asked to verify');
    assert.deepEqual(toJudge.filter((r) => !isVerificationRequest(r)).map((r) => r.seq), [], 'the verifier model was asked to generate');
  }

  it('generates with --model only and verifies with --verifier-model only, under mc@judge and cot-score@judge, and the report names both', async () => {
    const out = join(tmp.dir, 'cross');
    const since = mark();
    const res = await runCli(['run', '--tasks', tasks, '--model', genModel, '--verifier-model', `${judgeModel}/`, '-n', '3', '--verifier', 'mc,cot-score', '--out', out, '--no-cache'], {
      env: cleanEnv(tmp.dir),
    });
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    assertSplit(since);
    const { toGen, toJudge } = runRequests(since);
    assert.equal(toGen.filter((r) => r.status === 200).length, 4, 'one generation request per task (n = 3 choices each)');
    assert.equal(toJudge.filter((r) => r.status === 200).length, 12 * 2 + 12, "mc's two continuations and one cot-score call per sample");

    const { config, completedAt, capabilities } = readRunJson(out);
    assert.ok(completedAt);
    // Both models were probed before the run and their probes recorded.
    assert.deepEqual(Object.keys(capabilities ?? {}).sort(), [genModel, judgeModel].sort());
    assert.equal(config.model, genModel);
    assert.deepEqual(config.verifiers, ['mc@judge', 'cot-score@judge']);
    assert.deepEqual(config.verifierModels, { 'mc@judge': judgeModel, 'cot-score@judge': judgeModel });
    const verifications = readRecords(out).filter((r) => r.type === 'verification');
    assert.deepEqual([...new Set(verifications.map((r) => r.verifier))].sort(), ['cot-score@judge', 'mc@judge']);
    assert.equal(verifications.length, 24);

    // The run's report (printed at the end of the run) reads its first verifier and names f and g.
    const models = `gap(f, g): generator ${genModel}, verifier ${judgeModel} (cross-verification)`;
    assert.match(res.stdout, /^verifier mc@judge {3}filter quantile:0\.8 /m);
    assert.ok(res.stdout.includes(`\n${models}\n`), res.stdout);

    const json = await runCli(['report', out, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as { verifier: string; scored: number; models: unknown };
    assert.equal(report.verifier, 'mc@judge');
    assert.equal(report.scored, 12);
    assert.deepEqual(report.models, { generator: genModel, verifiers: { 'mc@judge': judgeModel } });
    const both = JSON.parse((await runCli(['report', out, '--json', '--verifier', 'mean(mc@judge,cot-score@judge)'])).stdout) as { models: unknown };
    assert.deepEqual(both.models, { generator: genModel, verifiers: { 'mc@judge': judgeModel, 'cot-score@judge': judgeModel } });

    const html = join(tmp.dir, 'cross.html');
    assert.equal((await runCli(['report', out, '--html', html])).code, 0);
    assert.ok(readFileSync(html, 'utf8').includes(`<dt>generator and verifier</dt><dd>${models}</dd>`));
  });

  it('takes the generator itself as --verifier-model for self-verification: plain names, no verifierModels, gap(f, f)', async () => {
    const out = join(tmp.dir, 'self');
    const res = await runCli(['run', '--tasks', tasks, '--limit', '2', '--model', genModel, '--verifier-model', genModel, '-n', '2', '--out', out, '--no-cache'], { env: cleanEnv(tmp.dir) });
    assert.equal(res.code, 0, res.stderr);
    const { config } = readRunJson(out);
    assert.deepEqual(config.verifiers, ['mc']);
    assert.equal(config.verifierModels, undefined);
    assert.ok(res.stdout.includes(`\ngap(f, f): generator and verifier ${genModel} (self-verification)\n`), res.stdout);
  });

  it('refuses a --verifier-model that cannot work before anything is created (exit 2)', async () => {
    const cases: [string, RegExp][] = [
      ['llama:/no/such/model.gguf', /^gaplens: --verifier-model: the llama model file \/no\/such\/model\.gguf does not exist/m],
      ['judge-without-scheme', /^gaplens: --verifier-model 'judge-without-scheme' is not a model spec/m],
    ];
    for (const [spec, message] of cases) {
      const out = join(tmp.dir, 'never');
      const res = await runCli(['run', '--tasks', tasks, '--model', genModel, '--verifier-model', spec, '--out', out], { env: cleanEnv(tmp.dir) });
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, message);
      assertCleanStderr(res.stderr);
      assert.equal(existsSync(out), false, `${spec}: a run folder was created`);
    }
  });

  it('resumes with the run\'s verifier model, with or without the flag, and refuses another one', async () => {
    const out = join(tmp.dir, 'resumed');
    const since = mark();
    const env = cleanEnv(tmp.dir);
    // The verifier model fails fatally from its third call on: the run stops unfinished.
    judgeFatal.from = judge.counters.requests + 3;
    const first = await runCli(['run', '--tasks', tasks, '--model', genModel, '--verifier-model', judgeModel, '-n', '2', '--verifier', 'mc,cot-score', '--out', out, '--no-cache', '--concurrency', '1'], { env });
    assert.equal(first.code, 1, first.stderr);
    assertResumeHint(first.stderr, out);
    const afterFirst = readRecords(out).length;

    // Without the flag: the run's own verifier model (fails again some calls later).
    judgeFatal.from = judge.counters.requests + 12;
    const second = await runCli(['run', '--resume', out, '--no-cache', '--concurrency', '1'], { env });
    assert.equal(second.code, 1, second.stderr);
    assert.ok(readRecords(out).length > afterFirst, 'the resume wrote nothing');
    judgeFatal.from = Infinity;

    const before = { gen: gen.counters.requests, judge: judge.counters.requests };
    const other = `openai:other@${judge.url}`;
    const refused = await runCli(['run', '--resume', out, '--verifier-model', other, '--no-cache'], { env });
    assert.equal(refused.code, 2, refused.stderr);
    assert.ok(refused.stderr.includes(`--verifier-model ${other} (the run has ${judgeModel})`), refused.stderr);
    assert.ok(refused.stderr.includes(`gaplens reverify ${out} --verifier mc,cot-score --model ${other}`), refused.stderr);
    assertCleanStderr(refused.stderr);
    // --verifier names verifiers as the run's verifier model runs them, and the hint keeps that model.
    const more = await runCli(['run', '--resume', out, '--verifier', 'mc,cot-binary', '--no-cache'], { env });
    assert.equal(more.code, 2, more.stderr);
    assert.ok(more.stderr.includes('--verifier mc@judge,cot-binary@judge (the run has mc@judge,cot-score@judge)'), more.stderr);
    assert.ok(more.stderr.includes(`gaplens reverify ${out} --verifier cot-binary --model ${judgeModel}`), more.stderr);
    assert.deepEqual({ gen: gen.counters.requests, judge: judge.counters.requests }, before, 'a refused resume called a model');

    // With the flag (written differently) and --verifier as the run was started: the same run.
    const third = await runCli(['run', '--resume', out, '--verifier-model', `${judgeModel}/`, '--verifier', 'cot-score,mc', '--model', genModel, '--no-cache'], { env });
    assert.equal(third.code, 0, third.stderr);
    assert.ok(readRunJson(out).completedAt);
    const verifications = readRecords(out).filter((r) => r.type === 'verification');
    assert.equal(new Set(verifications.map((r) => `${r.task}/${r.index}/${r.verifier}`)).size, 16);
    assertSplit(since);
  });

  it("refuses --verifier-model on a resume of a self-verified run unless it is the run's own model", async () => {
    const out = join(tmp.dir, 'self');
    const refused = await runCli(['run', '--resume', out, '--verifier-model', judgeModel, '--no-cache'], { env: cleanEnv(tmp.dir) });
    assert.equal(refused.code, 2, refused.stderr);
    assert.ok(refused.stderr.includes(`--verifier-model ${judgeModel} (the run has ${genModel})`), refused.stderr);
    assert.ok(refused.stderr.includes(`gaplens reverify ${out} --verifier mc --model ${judgeModel}`), refused.stderr);
    const same = await runCli(['run', '--resume', out, '--verifier-model', genModel, '--verifier', 'mc', '--no-cache'], { env: cleanEnv(tmp.dir) });
    assert.equal(same.code, 0, same.stderr);
  });

  describe('the API key', () => {
    /** The Authorization headers each server got from the command. */
    async function sentBy(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; gen: (string | undefined)[]; judge: (string | undefined)[] }> {
      const from = { gen: gen.requests.length, judge: judge.requests.length };
      const res = await runCli(args, { env });
      return { code: res.code, stderr: res.stderr, gen: gen.requests.slice(from.gen).map((r) => r.authorization), judge: judge.requests.slice(from.judge).map((r) => r.authorization) };
    }

    it('goes to both endpoints when both are named, and a resume naming only the generator is refused for the verifier endpoint', async () => {
      const env = cleanEnv(tmp.dir, { OPENAI_API_KEY: KEY });
      const out = join(tmp.dir, 'keyed');
      const made = await sentBy(['run', '--tasks', tasks, '--limit', '2', '--model', genModel, '--verifier-model', judgeModel, '-n', '2', '--out', out, '--no-cache'], env);
      assert.equal(made.code, 0, made.stderr);
      assert.deepEqual([...new Set(made.gen)], [`Bearer ${KEY}`]);
      assert.deepEqual([...new Set(made.judge)], [`Bearer ${KEY}`]);

      dropVerifications(out);
      const refused = await sentBy(['run', '--resume', out, '--model', genModel, '--no-cache'], env);
      assert.equal(refused.code, 2, refused.stderr);
      assert.ok(refused.stderr.includes(`names the endpoint ${new URL(judge.url).origin}`), refused.stderr);
      assert.ok(refused.stderr.includes(`pass --verifier-model ${judgeModel} or add`), refused.stderr);
      assert.ok(!refused.stderr.includes(KEY));
      assertCleanStderr(refused.stderr);
      assert.deepEqual([refused.gen, refused.judge], [[], []], 'requests were sent');

      const named = await sentBy(['run', '--resume', out, '--model', genModel, '--verifier-model', judgeModel, '--no-cache'], env);
      assert.equal(named.code, 0, named.stderr);
      assert.deepEqual(named.gen, [], 'the generations were all there');
      assert.deepEqual([...new Set(named.judge)], [`Bearer ${KEY}`]);
    });
  });
});
