import assert from 'node:assert/strict';
import { groupSamples } from '../../../src/core/import/groupSamples';
import type { SourceSample } from '../../../src/core/import/sourceSample';
import { UNKNOWN_SAMPLING } from '../../../src/core/import/sourceSample';
import { UserError } from '../../../src/core/util/errors';

function sample(id: string, text: string, at: string, answer = '42'): SourceSample {
  return { at, task: { id, question: `q ${id}`, answer, grader: 'numeric' }, graderFrom: 'gold', text, finishReason: 'unknown', usage: null, sourceScore: at.endsWith('1') ? { m: 1 } : null, sampling: UNKNOWN_SAMPLING };
}

describe('groupSamples', () => {
  it("makes each task id's samples its repeated samples, recording where each came from", () => {
    const grouped = groupSamples([sample('a', 'a0', 'f:1'), sample('b', 'b0', 'f:2'), sample('a', 'a1', 'g:1'), sample('b', 'b1', 'g:2')], undefined);
    assert.equal(grouped.n, 2);
    assert.deepEqual(grouped.tasks.map((t) => t.id), ['a', 'b']);
    assert.deepEqual(grouped.samples.get('a')?.map((s) => s.text), ['a0', 'a1']);
    assert.deepEqual(grouped.tasks[0]?.meta, { import: { at: ['f:1', 'g:1'], scores: [{ m: 1 }, { m: 1 }] } });
    assert.deepEqual(grouped.tasks[1]?.meta, { import: { at: ['f:2', 'g:2'] } }, 'no scores when the source gave none');
  });

  it('refuses different sample counts without --n, showing the counts and the --n that imports them', () => {
    const samples = [sample('a', '1', 'f:1'), sample('a', '2', 'f:1'), sample('b', '1', 'f:2')];
    assert.throws(
      () => groupSamples(samples, undefined),
      (e: unknown) => e instanceof UserError && e.exitCode === 2 && e.message.includes('1 task with 2 samples ("a")') && e.message.includes('Pass --n 1') && e.message.includes('--n 2'),
    );
    const first = groupSamples(samples, 1);
    assert.deepEqual([first.n, first.tasks.length, first.leftOut], [1, 2, []]);
    const two = groupSamples(samples, 2);
    assert.deepEqual([two.n, two.tasks.map((t) => t.id), two.leftOut], [2, ['a'], [{ id: 'b', count: 1 }]]);
    assert.throws(() => groupSamples(samples, 3), /no task has 3 samples \(the most any has is 2\)/);
  });

  it('refuses a task id read again with another gold answer, naming both places', () => {
    assert.throws(() => groupSamples([sample('a', '1', 'f:1'), sample('a', '2', 'g:4', '43')], undefined), (e: unknown) => e instanceof UserError && e.message.startsWith('g:4: task "a" has another gold answer than where it was first read, f:1'));
  });
});
