import assert from 'node:assert/strict';
import { escapeHtml, html } from '../../../src/core/report/escape';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&amp;</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('leaves other text, including non-ASCII, as is', () => {
    assert.equal(escapeHtml('J(f|x) = 1 — ✓ 日本'), 'J(f|x) = 1 — ✓ 日本');
  });
});

describe('html template', () => {
  it('escapes interpolated strings and numbers but not its own static markup', () => {
    assert.equal(html`<p title="${'"x"'}">${'<b>'} ${3}</p>`.toString(), '<p title="&quot;x&quot;">&lt;b&gt; 3</p>');
  });

  it('inserts markup it built itself without escaping it twice', () => {
    const inner = html`<b>${'a&b'}</b>`;
    assert.equal(html`<p>${inner}</p>`.toString(), '<p><b>a&amp;b</b></p>');
  });

  it('concatenates arrays, escaping their strings', () => {
    assert.equal(html`<ul>${['<', html`<li>x</li>`, [1, '>']]}</ul>`.toString(), '<ul>&lt;<li>x</li>1&gt;</ul>');
  });

  it('treats an object that only looks like markup as text', () => {
    const fake = { markup: '<script>', toString: () => '<script>' };
    assert.equal(html`${fake as unknown as string}`.toString(), '&lt;script&gt;');
  });
});
