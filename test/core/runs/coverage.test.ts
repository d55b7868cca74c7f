import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCoverage } from '../../../src/core/runs/coverage';
import { readRun } from '../../../src/core/runs/runStore';
import { isComplete, outstandingVerifications, VERIFIER_FAILURE_KINDS } from '../../../src/core/stats/coverage';
import { tempDir } from '../../helpers/cli';
import { failure, generation, jsonl, newRun, verification } from './runFixtures';

const noFailures = Object.fromEntries(VERIFIER_FAILURE_KINDS.map((k) => [k, 0]));

describe('runs/coverage', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  async function coverageOf(records: unknown[], name = 'a') {
    const dir = await newRun(join(parent, name)); // tasks t1, t2, q#3; n = 4; verifiers mc, cot-score
    writeFileSync(join(dir, 'samples.jsonl'), jsonl(records));
    return runCoverage(await readRun(dir));
  }

  it('counts generations, verdicts and failures by kind, and the counts add up', async () => {
    const c = await coverageOf([
      // t1: all 4 generated. mc: 2 scored, 1 labels-absent, 1 failed parse written before the field (unparsable).
      ...[0, 1, 2, 3].map((i) => generation('t1', i, i < 2)),
      verification('t1', 0, 'mc', 0.9),
      verification('t1', 1, 'mc', 0.1),
      { ...verification('t1', 2, 'mc', null), failure: 'labels-absent' },
      verification('t1', 3, 'mc', null),
      // cot-score: #0 scored, #1 call-failed, #2 bad-answer then superseded by a record (prompt-too-long), #3 nothing.
      verification('t1', 0, 'cot-score', 0.5),
      failure('t1', 1, 'cot-score', 'call-failed'),
      failure('t1', 2, 'cot-score', 'bad-answer'),
      { ...verification('t1', 2, 'cot-score', null), failure: 'prompt-too-long' },
      // t2: 2 generated, #2 generation call-failed, #3 bad-answer; one tournament verdict (a verifier not in run.json).
      generation('t2', 0, true),
      generation('t2', 1, false),
      failure('t2', 2, 'generation', 'call-failed'),
      failure('t2', 3, 'generation', 'bad-answer'),
      verification('t2', 0, 'tournament', 0.5),
      // q#3: nothing at all.
    ]);
    assert.deepEqual(c.tasks, { expected: 3, done: 1 });
    assert.deepEqual(c.generations, { expected: 12, done: 6, failed: 2, failures: { 'bad-answer': 1, 'call-failed': 1, 'prompt-too-long': 0 }, missing: 4 });
    assert.deepEqual(Object.keys(c.verifiers), ['mc', 'cot-score', 'tournament'], 'configured verifiers first, then the others');
    assert.deepEqual(c.verifiers.mc, { expected: 12, scored: 2, failed: 2, failures: { ...noFailures, unparsable: 1, 'labels-absent': 1 }, missing: 8 });
    assert.deepEqual(c.verifiers['cot-score'], { expected: 12, scored: 1, failed: 2, failures: { ...noFailures, 'prompt-too-long': 1, 'call-failed': 1 }, missing: 9 });
    assert.deepEqual(c.verifiers.tournament, { expected: 12, scored: 1, failed: 0, failures: noFailures, missing: 11 });
    for (const v of Object.values(c.verifiers)) {
      assert.equal(v.scored + v.failed + v.missing, v.expected);
      assert.equal(Object.values(v.failures).reduce((a, b) => a + b, 0), v.failed);
    }
    assert.equal(isComplete(c), false);
    // Outstanding: mc 8 missing; cot-score 9 missing + 1 call-failed; tournament 11 missing.
    assert.deepEqual(outstandingVerifications(c), { outstanding: 29, expected: 36 });
  });

  it('is complete when every record exists, failed parses included, and incomplete while a call failure is outstanding', async () => {
    const all = ['t1', 't2', 'q#3'].flatMap((t) =>
      [0, 1, 2, 3].flatMap((i) => [generation(t, i, true), verification(t, i, 'mc', null), verification(t, i, 'cot-score', i === 0 ? null : 0.5)]),
    );
    const c = await coverageOf(all);
    assert.deepEqual(c.tasks, { expected: 3, done: 3 });
    assert.deepEqual(c.verifiers.mc, { expected: 12, scored: 0, failed: 12, failures: { ...noFailures, unparsable: 12 }, missing: 0 });
    assert.equal(isComplete(c), true);

    // The same run with one verification replaced by a call failure: retried on resume, so not complete.
    const replaced = all.filter((r) => !(r.type === 'verification' && r.task === 't2' && r.index === 1 && r.verifier === 'mc'));
    const withCallFailure = await coverageOf([...replaced, failure('t2', 1, 'mc', 'call-failed')], 'b');
    assert.equal(withCallFailure.verifiers.mc?.failures['call-failed'], 1);
    assert.equal(withCallFailure.verifiers.mc?.missing, 0);
    assert.equal(isComplete(withCallFailure), false);
    assert.deepEqual(outstandingVerifications(withCallFailure), { outstanding: 1, expected: 24 });
  });

  it('counts only the expected indices 0 … n−1', async () => {
    const c = await coverageOf([generation('t1', 0, true), verification('t1', 0, 'mc', 0.5), generation('t1', 7, true), verification('t1', 7, 'mc', 0.5)]);
    assert.equal(c.generations.done, 1);
    assert.equal(c.verifiers.mc?.scored, 1);
  });
});
