import assert from 'node:assert/strict';
import { parseTaskSelection, taskCodeLensMode } from '../../src/protocol/taskServerProtocol';

describe('task server protocol', () => {
  it('accepts a selection of 1-based inclusive line ranges', () => {
    assert.deepEqual(parseTaskSelection({ uri: 'file:///a', ranges: [{ first: 1, last: 1 }, { first: 3, last: 9 }] }), { uri: 'file:///a', ranges: [{ first: 1, last: 1 }, { first: 3, last: 9 }] });
    assert.deepEqual(parseTaskSelection({ uri: 'file:///a', ranges: [] }), { uri: 'file:///a', ranges: [] });
  });

  it('refuses anything else', () => {
    for (const raw of [null, [], { uri: 1, ranges: [] }, { uri: 'u' }, { uri: 'u', ranges: [{ first: 0, last: 1 }] }, { uri: 'u', ranges: [{ first: 2, last: 1 }] }, { uri: 'u', ranges: [{ first: 1.5, last: 2 }] }, { uri: 'u', ranges: ['1-2'] }]) {
      assert.equal(parseTaskSelection(raw), null, JSON.stringify(raw));
    }
  });

  it('reads the CodeLens mode from the gaplens settings, the selection by default', () => {
    assert.equal(taskCodeLensMode({ taskCodeLens: 'everyTask' }), 'everyTask');
    assert.equal(taskCodeLensMode({ taskCodeLens: 'off' }), 'off');
    for (const settings of [undefined, null, {}, { taskCodeLens: 'sometimes' }, { taskCodeLens: 3 }]) assert.equal(taskCodeLensMode(settings), 'selection');
  });
});
