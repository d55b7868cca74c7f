import assert from 'node:assert/strict';
import { labelText } from '../../../webview/model/labelText';

describe('webview/model/labelText', () => {
  it('names the cause, the verdict, or both', () => {
    assert.equal(labelText({ cause: 'checker-wrong' }), 'Checker wrong');
    assert.equal(labelText({ human: 'incorrect' }), 'Answer incorrect');
    assert.equal(labelText({ cause: 'gold-wrong', human: 'correct' }), 'Gold label wrong · answer correct');
  });
});
