import assert from 'node:assert/strict';
import { minTableWidth, planColumns } from '../../../webview/model/tableColumns';

const EM = 13;
const FOUR = ['mc', 'cot-score', 'cot-binary', 'tournament'];

describe('webview table columns', () => {
  it('shows every verifier column when they fit, the label column last and always', () => {
    const plan = planColumns(1400, EM, FOUR, new Set());
    assert.deepEqual(plan.shown, FOUR);
    assert.deepEqual(plan.squeezed, []);
    assert.deepEqual(plan.titles, ['#', 'answer', 'checker', ...FOUR, 'filter', 'disagreement', 'label']);
    assert.equal(plan.template.match(/minmax\([^)]*\)|\S+/g)?.length, plan.titles.length, 'one track per title');
  });

  it('drops verifier columns from the end until the minimum widths fit the table: never wider than its box', () => {
    for (const width of [300, 456, 520, 640, 700, 900, 1400]) {
      const plan = planColumns(width, EM, FOUR, new Set());
      assert.ok(plan.shown.length === 0 || minTableWidth(plan.shown.length, EM) <= width, `${width}px: ${plan.shown.join(',')}`);
      assert.ok(plan.shown.length === FOUR.length || minTableWidth(plan.shown.length + 1, EM) > width, `${width}px: one more would fit`);
      assert.deepEqual([...plan.shown, ...plan.squeezed], FOUR, 'the squeezed ones are named, in order');
      assert.equal(plan.titles.at(-1), 'label', `${width}px: the label column stays`);
    }
    assert.deepEqual(planColumns(456, EM, FOUR, new Set()).shown, ['mc']);
  });

  it('leaves out the columns the user hid, and then fits the rest', () => {
    const plan = planColumns(1400, EM, FOUR, new Set(['cot-score']));
    assert.deepEqual(plan.shown, ['mc', 'cot-binary', 'tournament']);
    assert.deepEqual(plan.squeezed, []);
    assert.deepEqual(planColumns(456, EM, FOUR, new Set(['mc'])).shown, ['cot-score']);
  });

  it('shows all wanted columns before the table is laid out (width 0)', () => {
    assert.deepEqual(planColumns(0, EM, FOUR, new Set()).shown, FOUR);
  });
});
