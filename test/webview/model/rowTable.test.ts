import assert from 'node:assert/strict';
import { RowTable, VERDICT_NONE } from '../../../webview/model/rowTable';

/** Places a sample with its fields, as the store does. */
function put(table: RowTable, task: string, index: number, verdict: number, extracted: string | null): number {
  const { slot } = table.place(table.taskNumber(task), index);
  table.verdict[slot] = verdict;
  table.extracted[slot] = table.answerNumber(extracted);
  return slot;
}

describe('webview RowTable', () => {
  it('reads every field of a row back by its slot, and keeps a task\'s slots in index order whatever the arrival order', () => {
    const table = new RowTable();
    const b2 = put(table, 'b', 2, 1, '7');
    const a0 = put(table, 'a', 0, 0, null);
    const b0 = put(table, 'b', 0, VERDICT_NONE, '7');
    const b1 = put(table, 'b', 1, 1, '8');
    assert.equal(table.size, 4);
    assert.deepEqual([...table.slotsOf('b')], [b0, b1, b2]);
    assert.deepEqual([...table.slotsOf('a')], [a0]);
    assert.deepEqual([...table.slotsOf('zz')], []);
    assert.deepEqual(
      [b0, b1, b2, a0].map((slot) => [table.taskIds[table.task[slot] as number], table.index[slot], table.verdict[slot], table.answer(table.extracted[slot] as number)]),
      [['b', 0, VERDICT_NONE, '7'], ['b', 1, 1, '8'], ['b', 2, 1, '7'], ['a', 0, 0, null]],
    );
    // Answers and task ids are kept once.
    assert.deepEqual(table.answers, ['7', '8']);
    assert.deepEqual(table.taskIds, ['b', 'a']);
    assert.deepEqual([table.find('b', 1), table.find('b', 3), table.find('c', 0)], [b1, -1, -1]);
  });

  it('gives a sample sent again its own slot back', () => {
    const table = new RowTable();
    const first = put(table, 't', 3, 0, '1');
    put(table, 't', 5, 0, '1');
    const again = table.place(table.taskNumber('t'), 3);
    assert.deepEqual(again, { slot: first, replaced: true });
    assert.deepEqual(table.place(table.taskNumber('t'), 4), { slot: 2, replaced: false });
    assert.deepEqual(table.slotsOf('t').map((slot) => table.index[slot]), [3, 4, 5]);
    assert.equal(table.size, 3);
  });

  it('grows past its first capacity without losing a row, reserved at once or one at a time', () => {
    const table = new RowTable();
    table.reserve(3000);
    for (let i = 0; i < 3000; i++) put(table, `t${i % 7}`, Math.floor(i / 7), i % 2, String(i % 5));
    for (let i = 3000; i < 5000; i++) put(table, `t${i % 7}`, Math.floor(i / 7), i % 2, String(i % 5));
    assert.equal(table.size, 5000);
    for (const i of [0, 1023, 1024, 2999, 3000, 4999]) {
      const slot = table.find(`t${i % 7}`, Math.floor(i / 7));
      assert.equal(slot, i);
      assert.deepEqual([table.verdict[slot], table.answer(table.extracted[slot] as number)], [i % 2, String(i % 5)]);
    }
    assert.ok(table.slotsOf('t3').every((slot, k, all) => k === 0 || (table.index[all[k - 1] as number] as number) < (table.index[slot] as number)));
  });
});
