// Untrusted text (task files, run folders) in hover markdown: shown literally, never rendered. A
// task question holding `[x](command:…)`, `<img>`, `**`, `$(icon)` or backticks must not turn into
// a link, HTML, emphasis, an icon or an early end of a code span; control and bidi characters are
// shown as \uXXXX (inertText). The client renders our MarkupContent without HTML and trusts one
// command only, the hover's own "Open the run's panel" link (gaplens.openRun); this escaping is the
// second wall, and what keeps the text readable as what it is.
import { inertText } from '../core/util/inertText';

/** One line: controls visible, every whitespace run (newlines included) a single space. */
function oneLine(text: string): string {
  return inertText(text).replace(/\s+/g, ' ');
}

/** Literal text in markdown: every ASCII punctuation character backslash-escaped (CommonMark allows exactly these). */
export function markdownText(text: string): string {
  return oneLine(text).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * An inline code span showing `text` literally: its fence is one backtick longer than the longest
 * run inside, and a space pads content that starts or ends with a backtick or a space (CommonMark
 * strips exactly one such pair, unless the content is only spaces).
 */
export function markdownCode(text: string): string {
  const flat = oneLine(text);
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(flat) && flat.trim() !== '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
