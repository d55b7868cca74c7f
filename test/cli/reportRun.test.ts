// `gaplens report RUN` on run folders whose numbers rest on less than they seem: every verification
// failed, the run is incomplete, a configured verifier has no verdict yet. Real folders, real CLI.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireRunLock } from '../../src/core/runs/runLock';
import { createRunFolder } from '../../src/core/runs/runStore';
import type { Task } from '../../src/core/tasks/task';
import { runCli, tempDir } from '../helpers/cli';
import { generation, jsonl, manifest, TASKS, verification } from '../core/runs/runFixtures';

async function writeRun(dir: string, records: unknown[], opts: { tasks?: Task[]; verifiers?: string[] } = {}): Promise<string> {
  const base = manifest();
  await createRunFolder(dir, { ...base, config: { ...base.config, verifiers: opts.verifiers ?? base.config.verifiers } }, opts.tasks ?? TASKS);
  writeFileSync(join(dir, 'samples.jsonl'), jsonl(records));
  return dir;
}

async function report(args: string[]): Promise<{ text: string; json: Record<string, any> }> {
  const text = await runCli(['report', ...args]);
  assert.equal(text.code, 0, text.stderr);
  const json = await runCli(['report', ...args, '--json']);
  assert.equal(json.code, 0, json.stderr);
  return { text: text.stdout, json: JSON.parse(json.stdout) as Record<string, any> };
}

/** The README's main job as it turns out on the tiny model: 3 tasks × 4 samples, every mc and cot-score verification failed to parse. */
function allFailed(): unknown[] {
  return TASKS.flatMap((t) =>
    [0, 1, 2, 3].flatMap((i) => [generation(t.id, i, i % 2 === 0), { ...verification(t.id, i, 'mc', null), failure: 'labels-absent' }, verification(t.id, i, 'cot-score', null)]),
  );
}

describe('gaplens report RUN: coverage, incomplete runs and the conclusion', function () {
  this.timeout(60000);
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('a run whose verifications all failed: no gap, no conclusion, 0 of 12 scored and why', async () => {
    const dir = await writeRun(join(parent, 'run'), allFailed());
    const { text, json } = await report([dir]);
    // The old report said "gap +0.00 pp" and "gap is not positive: … cannot drive self-improvement here".
    assert.doesNotMatch(text, /gap is /);
    assert.doesNotMatch(text, /\+0\.00 pp/);
    const lines = text.split('\n');
    assert.deepEqual(lines.slice(0, 5), [
      'Gap Lens report: run-under-test',
      'run complete: 3 tasks, 12 samples, every verification recorded',
      'coverage mc: 0 of 12 scored (12 labels-absent)',
      'coverage cot-score: 0 of 12 scored (12 unparsable)',
      'warning: only 3 tasks: the task-bootstrap interval is unreliable',
    ]);
    assert.ok(lines.includes('  gap                      — (mc scored 0 of 12 samples: 12 labels-absent)'), text);
    assert.match(text, /^ {2}no conclusion: mc scored 0 of 12 samples \(needs ≥ 95 %\); 3 tasks \(needs ≥ 30\); the gap has no 95 % interval \(not measured\)$/m);

    for (const key of ['gap', 'filteredAccuracy', 'relativeGap', 'retention', 'auroc', 'confusion', 'precision', 'recall', 'bestOfK', 'tasksNothingKept']) assert.equal(json[key], null, key);
    assert.equal(json.ci.gap, null);
    assert.equal(json.accuracy, 0.5);
    assert.equal(json.scored, 0);
    assert.equal(json.complete, true);
    assert.equal(json.live, false);
    assert.equal(json.coverage.verifiers.mc.scored, 0);
    assert.equal(json.coverage.verifiers.mc.failed, 12);
    assert.equal(json.coverage.verifiers.mc.failures['labels-absent'], 12);
    assert.equal(json.coverage.verifiers['cot-score'].failures.unparsable, 12);
    assert.deepEqual(json.coverage.selector, { selector: 'mc', verifiers: ['mc'], samples: 12, scored: 0, measured: false, partial: false });
    assert.equal(json.conclusion.verdict, null);
    assert.equal(json.conclusion.reasons.length, 3);
    assert.equal(json.fewTasksWarning, 'only 3 tasks: the task-bootstrap interval is unreliable');

    const html = join(parent, 'report.html');
    const res = await runCli(['report', dir, '--html', html]);
    assert.equal(res.code, 0, res.stderr);
    const page = readFileSync(html, 'utf8');
    assert.ok(page.includes('<p>mc: 0 of 12 scored (12 labels-absent)</p>'));
    assert.ok(page.includes('title="not measured: mc scored 0 of 12 samples: 12 labels-absent">—</span>'));
    assert.ok(!page.includes('gap is '));
  });

  it('a run with 8 of 40 tasks generated says "incomplete" first, in text, JSON and HTML', async () => {
    const tasks: Task[] = Array.from({ length: 40 }, (_, t) => ({ id: `task-${String(t).padStart(2, '0')}`, question: `q${t}`, answer: '1', grader: 'exact' }));
    const records = tasks.slice(0, 8).flatMap((t) => [0, 1, 2, 3].flatMap((i) => [generation(t.id, i, i < 2), verification(t.id, i, 'mc', i < 2 ? 0.9 : 0.1)]));
    const dir = await writeRun(join(parent, 'run'), records, { tasks, verifiers: ['mc'] });
    const { text, json } = await report([dir, '--filter', 'threshold:0.5']);
    assert.equal(text.split('\n')[1], 'run incomplete: 8 of 40 tasks, 32 of 160 samples generated; 128 of 160 verifications outstanding');
    assert.equal(text.split('\n')[2], 'coverage mc: 32 of 160 scored (128 missing)');
    // Every task gains ½ (keeps its 2 correct samples), yet nothing is concluded: the run is incomplete and small.
    assert.match(text, /^ {2}gap {22}\+50\.00 pp/m);
    assert.match(text, /^ {2}no conclusion: the run is incomplete \(8 of 40 tasks generated\); 8 tasks \(needs ≥ 30\)$/m);
    assert.equal(json.complete, false);
    assert.equal(json.live, false);
    assert.deepEqual(json.coverage.tasks, { expected: 40, done: 8 });
    assert.deepEqual(json.coverage.generations, { expected: 160, done: 32, failed: 0, failures: { 'bad-answer': 0, 'call-failed': 0, 'prompt-too-long': 0 }, missing: 128 });
    assert.equal(json.gap, 0.5);
    assert.deepEqual(json.conclusion.reasons, ['the run is incomplete (8 of 40 tasks generated)', '8 tasks (needs ≥ 30)']);

    const html = join(parent, 'report.html');
    assert.equal((await runCli(['report', dir, '--html', html])).code, 0);
    const page = readFileSync(html, 'utf8');
    const banner = page.indexOf('<div class="banner warn" role="status" data-role="coverage">');
    assert.ok(banner > 0 && banner < page.indexOf('<main>'), 'the banner is at the top');
    assert.ok(page.includes('<p>incomplete: 8 of 40 tasks, 32 of 160 samples generated; 128 of 160 verifications outstanding</p>'));
    assert.ok(page.includes('<p class="conclusion">no conclusion: the run is incomplete (8 of 40 tasks generated); 8 tasks (needs ≥ 30)</p>'));
  });

  it('a configured verifier without a verdict yet is not measured; a verifier the run does not have is a typo', async () => {
    const records = TASKS.flatMap((t) => [0, 1, 2, 3].flatMap((i) => [generation(t.id, i, i < 2), verification(t.id, i, 'mc', 0.5)]));
    const dir = await writeRun(join(parent, 'run'), records);
    const { text, json } = await report([dir, '--verifier', 'cot-score']);
    assert.ok(text.includes('  gap                      — (cot-score scored 0 of 12 samples: 12 not verified)'), text);
    assert.match(text, /^run incomplete: 3 of 3 tasks, 12 of 12 samples generated; 12 of 24 verifications outstanding$/m);
    assert.equal(json.gap, null);
    assert.equal(json.coverage.verifiers['cot-score'].missing, 12);

    const typo = await runCli(['report', dir, '--verifier', 'cot-scroe']);
    assert.equal(typo.code, 1);
    assert.equal(typo.stdout, '');
    assert.match(typo.stderr, /No verifier "cot-scroe" in this data \(selector "cot-scroe"\)\. Verifiers it has: mc, cot-score\./);
  });

  it('a run without a single generation says what its records are', async () => {
    const dir = await writeRun(join(parent, 'run'), []);
    const res = await runCli(['report', dir]);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /no samples to report on yet \(incomplete: 0 of 3 tasks, 0 of 12 samples generated; 24 of 24 verifications outstanding\)/);
  });

  it('a run whose lock a live writer holds is reported as live, first, with no conclusion; once released it is not', async () => {
    const dir = await writeRun(join(parent, 'run'), [0, 1, 2, 3].flatMap((i) => [generation('t1', i, i < 2), verification('t1', i, 'mc', i < 2 ? 0.8 : 0.3)]));
    // This test process plays the writer: the CLI processes see a lock of a live process.
    const lock = await acquireRunLock(dir, 'gaplens run');
    let text: string;
    let live: { live: boolean };
    try {
      text = (await runCli(['report', dir])).stdout;
      live = JSON.parse((await runCli(['report', dir, '--json'])).stdout) as { live: boolean };
    } finally {
      await lock.release();
    }
    const notLive = JSON.parse((await runCli(['report', dir, '--json'])).stdout) as { live: boolean };
    assert.deepEqual(text.split('\n').slice(1, 3), [
      'run incomplete: 1 of 3 tasks, 4 of 12 samples generated; 20 of 24 verifications outstanding',
      "run live: a writer holds the run's lock and is still adding records",
    ]);
    assert.match(text, /no conclusion: the run is incomplete \(1 of 3 tasks generated\); the run is live \(a writer is still adding records\);/);
    assert.equal(live.live, true);
    assert.equal(notLive.live, false);
  });
});
