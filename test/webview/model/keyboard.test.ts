import assert from 'node:assert/strict';
import { keyAction, type KeyPress } from '../../../webview/model/keyboard';

const press = (key: string, patch: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, inTextField: false, ...patch });

describe('webview keyboard', () => {
  it('maps j/k/n and 1–5 to actions', () => {
    assert.deepEqual(keyAction(press('j')), { kind: 'nextSample' });
    assert.deepEqual(keyAction(press('k')), { kind: 'previousSample' });
    assert.deepEqual(keyAction(press('n')), { kind: 'nextDisagreement' });
    assert.deepEqual(
      ['1', '2', '3', '4', '5'].map((k) => (keyAction(press(k)) as { cause: string }).cause),
      ['verifier-wrong', 'checker-wrong', 'gold-wrong', 'ambiguous', 'other'],
    );
  });

  it('ignores other keys, modified keys and typing in a text field', () => {
    for (const key of ['6', '0', 'J', 'x', 'Enter']) assert.equal(keyAction(press(key)), null, key);
    assert.equal(keyAction(press('j', { ctrlKey: true })), null);
    assert.equal(keyAction(press('1', { metaKey: true })), null);
    assert.equal(keyAction(press('n', { altKey: true })), null);
    assert.equal(keyAction(press('2', { inTextField: true })), null);
  });
});
