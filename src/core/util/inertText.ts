// Untrusted text (model output, task files, server messages, run folders) made safe to show: the
// characters that would act instead of being seen are replaced by their \uXXXX escape. A terminal
// would otherwise obey them (ESC sequences set the window title or clear the screen, a CR
// overwrites the line) and any display would reorder or hide text by them (bidi overrides, zero-
// width and tag characters, the "Trojan Source" tricks).
//
// The escape is the JSON/JavaScript one on purpose: JSON.stringify's output passed through here is
// still valid JSON with the same value (these characters can only occur inside its strings), so
// one function serves text and --json output alike.

/**
 * C0 controls and DEL and C1 controls (\p{Cc}), format characters (\p{Cf}: bidi embeddings,
 * overrides, isolates and marks, zero-width space, word joiner, BOM, soft hyphen, tag
 * characters…), the line and paragraph separators, the whole tag block, and CRLF as one match.
 * The tag block is named whole because its unassigned code points (U+E0002–U+E001F) are not
 * \p{Cf}, yet displays ignore them just the same: they would hide text as the assigned tags do.
 */
const ACTIVE = /\r\n|[\p{Cc}\p{Cf}\u2028\u2029\u{e0000}-\u{e007f}]/gu;

/**
 * Kept as they are: tab and newline are the layout of multi-line messages; zero-width (non-)joiner
 * shape emoji and Indic/Persian words and cannot reorder or hide text.
 */
const LAYOUT = new Set(['\t', '\n', '\u200c', '\u200d']);

/** `text` with every active character written as its \uXXXX escape; CRLF becomes a plain newline. */
export function inertText(text: string): string {
  return text.replace(ACTIVE, (c) => (c === '\r\n' ? '\n' : LAYOUT.has(c) ? c : escapeUnits(c)));
}

/** \uXXXX per UTF-16 unit: an astral character (a tag) becomes its surrogate pair, as JSON writes it. */
function escapeUnits(c: string): string {
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}
