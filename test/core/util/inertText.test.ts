import assert from 'node:assert/strict';
import fc from 'fast-check';
import { inertText } from '../../../src/core/util/inertText';

/** Characters a terminal or a text display acts on instead of showing (what must never get through). */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/;

describe('inertText', () => {
  it('writes escape sequences, lone CR, DEL and C1 controls as visible \\uXXXX', () => {
    assert.equal(inertText('title\x1b]0;pwned\x07 clear\x1b[2J'), 'title\\u001b]0;pwned\\u0007 clear\\u001b[2J');
    assert.equal(inertText('50%\rdone'), '50%\\u000ddone');
    assert.equal(inertText('a\x7fb\x9b31mc\x00'), 'a\\u007fb\\u009b31mc\\u0000');
  });

  it('shows bidi controls and invisible characters instead of obeying them', () => {
    // "Trojan Source": RLO reverses what follows on screen.
    assert.equal(inertText('admin\u202e gnp.exe'), 'admin\\u202e gnp.exe');
    assert.equal(inertText('a\u2066b\u2069c\u200fd'), 'a\\u2066b\\u2069c\\u200fd');
    assert.equal(inertText('zero\u200bwidth\ufeff'), 'zero\\u200bwidth\\ufeff');
    // Tag characters hide ASCII text from the eye (prompt smuggling): each becomes its surrogate pair.
    assert.equal(inertText('hi\u{e0041}'), 'hi\\udb40\\udc41');
    // …the tag block's unassigned code points too: displays ignore them as well, yet they are not \p{Cf}.
    assert.equal(inertText('hi\u{e0002}\u{e0000}'), 'hi\\udb40\\udc02\\udb40\\udc00');
    assert.equal(inertText('line\u2028sep'), 'line\\u2028sep');
  });

  it('keeps the layout and ordinary text: newline, tab, CRLF as newline, emoji joiners, any script', () => {
    assert.equal(inertText('a\n\tb\r\nc'), 'a\n\tb\nc');
    const family = '👩\u200d👩\u200d👧';
    assert.equal(inertText(family), family);
    const text = 'Ünïcödé — 数学 — مرحبا — می\u200cخواهم — C:\\runs\\x — $\\frac{1}{2}$';
    assert.equal(inertText(text), text);
  });

  it('leaves nothing active in any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => assert.doesNotMatch(inertText(s), ACTIVE)));
  });

  it('keeps JSON valid and its value unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, s) => {
        const doc = { value, s };
        assert.deepEqual(JSON.parse(inertText(JSON.stringify(doc))), JSON.parse(JSON.stringify(doc)));
        assert.deepEqual(JSON.parse(inertText(JSON.stringify(doc, null, 2))), JSON.parse(JSON.stringify(doc)));
      }),
    );
  });
});
