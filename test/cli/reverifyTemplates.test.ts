// The verifier iteration loop: `gaplens reverify RUN --templates DIR` re-verifies a finished run's
// generations with edited templates as a named template version, and `gaplens templates compare`
// shows A against B. The fake server judges by what it sees in the prompt: a template carrying
// STRICT makes it answer "Verdict: incorrect" for tasks q0 and q1, so exactly their samples change.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRun } from '../../src/core/runs/runStore';
import { runPrompts } from '../../src/core/runs/verificationPrompts';
import type { TemplateComparison } from '../../src/core/pipeline/templateComparison';
import type { RunManifest } from '../../src/core/runs/records';
import { runCli, tempDir } from '../helpers/cli';
import { assertCleanStderr, cleanEnv, FatalSwitch, isAboutTask, isTaskRequest, writeTasks } from '../helpers/runs';
import { startFakeOpenAI, type FakeAnswer, type FakeOpenAI, type FakeRequest } from '../fixtures/openaiServer';

const MARKER = 'STRICT';

/** A verdict for every cot-binary prompt: incorrect only for q0 and q1 under a template with the marker. */
function judge(req: FakeRequest): FakeAnswer | undefined {
  if (!req.prompt.endsWith('Verification:')) return undefined;
  const strict = req.prompt.includes(MARKER) && (isAboutTask(req, 0) || isAboutTask(req, 1));
  return { text: ` Checked. Verdict: ${strict ? 'incorrect' : 'correct'}` };
}

describe('gaplens reverify --templates and templates compare', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  let server: FakeOpenAI;
  let run: string;
  let edited: string;
  const cli = (args: string[]) => runCli(args, { env: cleanEnv(tmp.dir) });
  const manifest = (): RunManifest => JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as RunManifest;
  const compare = async (args: string[]): Promise<TemplateComparison> => {
    const res = await cli(['templates', 'compare', run, '--json', '--bootstrap', '50', ...args]);
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as TemplateComparison;
  };

  before(async () => {
    tmp = tempDir();
    server = await startFakeOpenAI({ respond: judge });
    const tasks = join(tmp.dir, 'tasks.jsonl');
    writeTasks(tasks, 4);
    run = join(tmp.dir, 'run');
    const made = await cli(['run', '--tasks', tasks, '--model', `openai:fake@${server.url}`, '-n', '3', '--verifier', 'cot-binary', '--filter', 'threshold:0.5', '--out', run, '--no-cache']);
    assert.equal(made.code, 0, made.stderr);
    edited = join(tmp.dir, 'edited');
    const exported = await cli(['templates', 'export', edited]);
    assert.equal(exported.code, 0, exported.stderr);
    const file = join(edited, 'verify-cot-binary.txt');
    writeFileSync(file, `${MARKER} checking: be strict.\n${readFileSync(file, 'utf8')}`);
  });
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  it('keeps the edited templates as version v2 and shows exactly the samples whose verdict changed', async () => {
    const requests = server.requests.length;
    const res = await cli(['reverify', run, '--templates', edited, '--no-cache']);
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    // No new sampling: one verification per sample, no generation.
    const asked = server.requests.slice(requests).filter(isTaskRequest).map((r) => (r.body as { prompt: string }).prompt);
    assert.equal(asked.length, 12);
    assert.ok(asked.every((prompt) => prompt.endsWith('Verification:')));
    assert.match(res.stdout, /template comparison: cot-binary/);
    assert.match(res.stdout, /6 samples changed verdict/);

    const m = manifest();
    assert.deepEqual(m.config.verifiers, ['cot-binary', 'cot-binary#v2']);
    assert.equal(m.templateVersions?.[0]?.name, 'v2');
    assert.deepEqual(m.templateVersions?.[0]?.verifiers, ['cot-binary#v2']);
    assert.equal(m.templateVersions?.[0]?.source, edited);
    assert.ok(m.completedAt, 'the run is complete again');
    const copy = join(run, 'templates', 'versions', 'v2', 'verify-cot-binary.txt');
    assert.ok(readFileSync(copy, 'utf8').startsWith(MARKER));
    assert.ok(m.templates['versions/v2/verify-cot-binary.txt']);
    assert.ok(!readFileSync(join(run, 'templates', 'verify-cot-binary.txt'), 'utf8').includes(MARKER), "the run's own template is untouched");

    const c = await compare(['--verifier', 'cot-binary']);
    assert.equal(c.a.version, 'v1');
    assert.equal(c.b.version, 'v2');
    const changed = c.changed.map((s) => `${s.task}#${s.index}`);
    assert.deepEqual(changed, ['q0#0', 'q0#1', 'q0#2', 'q1#0', 'q1#1', 'q1#2']);
    for (const s of c.changed) {
      assert.deepEqual(s.a, { verdict: 'kept', score: 1 });
      assert.deepEqual(s.b, { verdict: 'dropped', score: 0 });
    }
    assert.equal(c.scoresChanged, 6);
    assert.equal(c.a.coverage.scored, 12);
    assert.equal(c.b.coverage.scored, 12);
    // v1 keeps everything: no gap. The strict template drops half of the tasks' samples, whatever they are.
    assert.equal(c.a.gap, 0);
    assert.equal(c.difference.gap, c.b.gap);
    assert.equal(c.difference.retention, (c.b.retention as number) - (c.a.retention as number));
    assert.equal(c.b.retention, 0.5);
    // A version's records re-render their prompts from the version's own template copy.
    const data = await readRun(run);
    const prompts = runPrompts(data);
    for (const byVerifier of data.verifications.values()) {
      assert.ok(prompts.text(byVerifier.get('cot-binary#v2') as never).startsWith(MARKER));
      assert.ok(!prompts.text(byVerifier.get('cot-binary') as never).includes(MARKER));
    }
  });

  it('keeps every version selectable: a report and a comparison of any two', async () => {
    // A third version drops the marker again (another wording), under a name of the user's.
    const lenient = join(tmp.dir, 'lenient');
    const exported = await cli(['templates', 'export', lenient]);
    assert.equal(exported.code, 0, exported.stderr);
    const file = join(lenient, 'verify-cot-binary.txt');
    writeFileSync(file, `Check gently.\n${readFileSync(file, 'utf8')}`);
    const res = await cli(['reverify', run, '--templates', lenient, '--name', 'lenient', '--no-cache', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const printed = JSON.parse(res.stdout) as TemplateComparison;
    assert.deepEqual([printed.a.version, printed.b.version], ['v2', 'lenient'], 'compared with the version before');
    assert.deepEqual(printed.versions, ['v1', 'v2', 'lenient']);
    assert.equal(printed.changed.length, 6);

    const back = await compare(['--a', 'v1', '--b', 'lenient']);
    assert.deepEqual(back.changed, [], 'v1 and lenient agree on every verdict');

    const report = await cli(['report', run, '--verifier', 'cot-binary#v2', '--json']);
    assert.equal(report.code, 0, report.stderr);
    assert.equal((JSON.parse(report.stdout) as { retention: number }).retention, 0.5);
  });

  it('an interrupted version is resumed with its own templates', async () => {
    const stop = new FatalSwitch();
    const flaky = await startFakeOpenAI({ respond: (req) => stop.respond(req) ?? judge(req) });
    try {
      const own = join(tmp.dir, 'interrupted');
      const tasks = join(tmp.dir, 'tasks.jsonl');
      const model = `openai:fake@${flaky.url}`;
      const made = await cli(['run', '--tasks', tasks, '--model', model, '-n', '3', '--verifier', 'cot-binary', '--filter', 'threshold:0.5', '--out', own, '--no-cache', '--concurrency', '1']);
      assert.equal(made.code, 0, made.stderr);
      // A fatal answer after the capability probe and a few verifications of the version stops it partway.
      stop.from = flaky.requests.length + 12;
      const cut = await cli(['reverify', own, '--templates', edited, '--no-cache', '--concurrency', '1']);
      assert.equal(cut.code, 1, cut.stderr);
      const before = (await readRun(own)).verifications;
      const done = [...before.values()].filter((v) => v.has('cot-binary#v2')).length;
      assert.ok(done > 0 && done < 12, `${done} of 12 verified before the stop`);
      stop.from = Infinity;
      const resumed = await cli(['run', '--resume', own, '--model', model, '--no-cache']);
      assert.equal(resumed.code, 0, resumed.stderr);
      const data = await readRun(own);
      const prompts = runPrompts(data);
      const v2 = [...data.verifications.values()].map((byVerifier) => byVerifier.get('cot-binary#v2'));
      assert.equal(v2.filter((r) => r !== undefined).length, 12);
      for (const record of v2) assert.ok(prompts.text(record as never).startsWith(MARKER), 'a resumed verification used the run\'s own template');
    } finally {
      await flaky.close();
    }
  });

  it('refuses a folder that changes nothing, a taken name and an unknown version, each with one line', async () => {
    const same = join(tmp.dir, 'same');
    assert.equal((await cli(['templates', 'export', same])).code, 0);
    const unchanged = await cli(['reverify', run, '--templates', same, '--no-cache']);
    assert.equal(unchanged.code, 2);
    assert.match(unchanged.stderr, /no template there differs from the one the run's verifiers \(cot-binary\) used/);
    assertCleanStderr(unchanged.stderr);

    const taken = await cli(['reverify', run, '--templates', edited, '--name', 'lenient', '--no-cache']);
    assert.equal(taken.code, 2);
    assert.match(taken.stderr, /already has a template version "lenient"/);
    assert.ok(!existsSync(join(run, 'templates', 'versions', 'v4')));

    const reserved = await cli(['reverify', run, '--templates', edited, '--name', 'original']);
    assert.equal(reserved.code, 2);
    assert.match(reserved.stderr, /names the run's own templates/);

    const unknown = await cli(['templates', 'compare', run, '--verifier', 'cot-binary', '--b', 'v9']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /--b "v9": cot-binary has no template version of that name; it has v1, v2, lenient/);
    const twice = await cli(['templates', 'compare', run, '--a', 'v2', '--b', 'v2']);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /--a and --b both name v2: compare two versions of cot-binary \(it has v1, v2, lenient\)/);
  });
});
