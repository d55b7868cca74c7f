import assert from 'node:assert/strict';
import fc from 'fast-check';
import { markdownCode, markdownText } from '../../src/server/markdown';

// A real CommonMark renderer, set up to render as much as it can (HTML, bare links): if escaped text
// comes out of it as text, no renderer with less enabled can do more with it. markdown-it is here
// through @vscode/vsce (a devDependency).
interface MarkdownIt {
  render(markdown: string): string;
  renderInline(markdown: string): string;
}
const MarkdownItClass = require('markdown-it') as new (opts: { html: boolean; linkify: boolean }) => MarkdownIt;
const md = new MarkdownItClass({ html: true, linkify: true });

/** The text a reader sees: tags dropped, entities decoded. */
function shownText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** What the escaping promises to show: the text on one line (a paragraph drops leading and trailing spaces). */
const oneLine = (text: string): string => text.replace(/\s+/g, ' ');

const HOSTILE = [
  '[click](command:workbench.action.terminal.new)',
  '<img src=x onerror=alert(1)>',
  '**bold** _it_ ~~gone~~',
  'a `code` span and ``` fences',
  '# heading',
  '- item',
  '1. item',
  '> quote',
  '$(zap) icon',
  '&amp; &#60; entity',
  'https://example.com www.example.com',
  '\\*escaped\\* C:\\runs\\',
  '| a | b |',
];

describe('server/markdown', () => {
  it('markdownText renders as exactly the text, without links, HTML or formatting', () => {
    for (const text of HOSTILE) {
      const html = md.render(markdownText(text));
      assert.match(html, /^<p>[^<]*<\/p>\n$/, `${text} made markup: ${html}`);
      assert.equal(shownText(html), `${text}\n`);
    }
  });

  it('markdownCode renders as one code span holding exactly the text, whatever backticks and spaces it has', () => {
    for (const text of [...HOSTILE, '`', '``x``', ' lead', 'trail ', ' both ', '   ', 'a`b``c```d']) {
      const html = md.renderInline(markdownCode(text));
      assert.match(html, /^<code>[^<]*<\/code>$/, `${text} → ${html}`);
      assert.equal(shownText(html), oneLine(text));
    }
  });

  it('holds for any text of markdown punctuation, spaces and newlines', () => {
    const chars = fc.constantFrom(...'ab <>[]()*_`#-+.!|\\&;:$~{}"\'=/\n'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: chars, minLength: 1 }), (text) => {
        const paragraph = md.render(markdownText(text));
        if (oneLine(text).trim() !== '') {
          assert.match(paragraph, /^<p>[^<]*<\/p>\n$/);
          assert.equal(shownText(paragraph), `${oneLine(text).trim()}\n`);
        }
        const code = md.renderInline(markdownCode(text));
        assert.match(code, /^<code>[^<]*<\/code>$/);
        assert.equal(shownText(code), oneLine(text));
      }),
    );
  });

  it('shows control and bidi characters as \\uXXXX and puts everything on one line', () => {
    assert.equal(markdownText('a\x1b[2Jb\u202ec\nd'), 'a\\\\u001b\\[2Jb\\\\u202ec d');
    assert.equal(markdownCode('a\x07\n\nb'), '`a\\u0007 b`');
  });
});
