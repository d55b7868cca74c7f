import assert from 'node:assert/strict';
import type { AnnotationRecord, AuditFile } from '../../../src/core/runs/records';
import { auditWalk, drawnPosition } from '../../../webview/model/auditWalk';

const at = '2026-11-24T10:00:00.000Z';
const FILE: AuditFile = {
  v: 1,
  id: 'audit-2',
  seed: 1,
  size: 3,
  selector: 'mc',
  filter: 'quantile:0.8',
  at,
  strata: [1, 1, 1, 0],
  samples: [
    { task: 'B', index: 1, stratum: 'kept-incorrect' },
    { task: 'A', index: 0, stratum: 'kept-correct' },
    { task: 'A', index: 2, stratum: 'dropped-correct' },
  ],
};

describe('webview/model/auditWalk', () => {
  it('takes each drawn sample’s last label of this audit; the next is the first without one', () => {
    const labels = new Map<string, AnnotationRecord[]>([
      ['A#0', [
        { v: 2, task: 'A', index: 0, human: 'correct', audit: { id: 'audit-2', stratum: 'kept-correct' }, note: '', at },
        { v: 2, task: 'A', index: 0, human: 'incorrect', audit: { id: 'audit-2', stratum: 'kept-correct' }, note: '', at },
        // A later label that is not of this audit does not count.
        { v: 1, task: 'A', index: 0, cause: 'other', note: '', at },
      ]],
      // A label of another audit does not count either.
      ['B#1', [{ v: 2, task: 'B', index: 1, human: 'correct', audit: { id: 'audit-1', stratum: 'kept-incorrect' }, note: '', at }]],
    ]);
    const walk = auditWalk(FILE, (task, index) => labels.get(`${task}#${index}`) ?? []);
    assert.deepEqual(walk, { verdicts: [null, 'incorrect', null], labelled: 1, next: 0 });
    const all = auditWalk(FILE, (task, index) => [{ v: 2, task, index, human: 'correct', audit: { id: 'audit-2', stratum: 'kept-correct' }, note: '', at }]);
    assert.deepEqual([all.labelled, all.next], [3, -1]);
  });

  it('finds a sample’s place in the labelling order', () => {
    assert.equal(drawnPosition(FILE, 'A', 2), 2);
    assert.equal(drawnPosition(FILE, 'A', 1), -1);
  });
});
