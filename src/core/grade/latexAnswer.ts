// Turns a MATH-style final answer (a LaTeX fragment) into a small structure the math grader compares
// piece by piece: scalars go to the compute engine, while tuples, intervals, sets, matrices and
// words are handled here because the engine either cannot parse them or would compare them wrongly.

import { matchingBrace, trimTrailingPunctuation } from './answerExtraction';

export type MathAnswer =
  /** One expression, as normalized LaTeX, for the compute engine. */
  | { kind: 'expr'; latex: string }
  /** Words ("Evelyn", "even", a multiple-choice letter); compared case-insensitively. */
  | { kind: 'text'; text: string }
  /** Tuples, points, intervals: `(a, b]`. Order and both brackets matter. */
  | { kind: 'ordered'; open: string; close: string; items: MathAnswer[] }
  /** `\{a, b\}`, a bare list `a, b` (MATH's "enter all solutions separated by commas"), or `a \pm b`: order does not matter. */
  | { kind: 'unordered'; items: MathAnswer[] }
  /** `A \cup B`: order of the parts does not matter. */
  | { kind: 'union'; items: MathAnswer[] }
  | { kind: 'matrix'; rows: MathAnswer[][] }
  /** An equation that is not just `x = value`, e.g. a plane `5x - 7y + 11z + 4 = 0`. */
  | { kind: 'equation'; lhs: string; rhs: string };

/** Longer "answers" are rambling, not a final answer: they are compared as plain text, unparsed. */
const MAX_ANSWER_LENGTH = 1000;

/** Parses a final answer; never throws (anything unrecognized becomes an `expr` or `text`). */
export function parseMathAnswer(raw: string): MathAnswer {
  if (raw.length > MAX_ANSWER_LENGTH) return { kind: 'text', text: raw.replace(/\s+/g, ' ').trim() };
  const bare = stripMathDelimiters(raw.trim());
  const wholeText = /^\\(?:text|textbf|textit|textrm|textnormal|mathrm|mbox)\s*\{(.*)\}$/s.exec(bare);
  if (wholeText && matchingBrace(bare, bare.indexOf('{')) === bare.length - 1) return textAnswer(wholeText[1] ?? '');
  return structure(normalizeLatex(bare));
}

/** The answer written back as one line, for `GradeResult.normalized` and reasons. */
export function describeMathAnswer(answer: MathAnswer): string {
  switch (answer.kind) {
    case 'expr': return answer.latex;
    case 'text': return `\\text{${answer.text}}`;
    case 'ordered': return `${answer.open}${answer.items.map(describeMathAnswer).join(', ')}${answer.close}`;
    case 'unordered': return `\\{${answer.items.map(describeMathAnswer).join(', ')}\\}`;
    case 'union': return answer.items.map(describeMathAnswer).join(' \\cup ');
    case 'matrix': return `\\begin{pmatrix}${answer.rows.map((r) => r.map(describeMathAnswer).join(' & ')).join(' \\\\ ')}\\end{pmatrix}`;
    case 'equation': return `${answer.lhs} = ${answer.rhs}`;
  }
}

/** Every `expr` leaf, so gold checking can parse each one. */
export function exprLeaves(answer: MathAnswer): string[] {
  switch (answer.kind) {
    case 'expr': return [answer.latex];
    case 'text': return [];
    case 'ordered':
    case 'unordered':
    case 'union': return answer.items.flatMap(exprLeaves);
    case 'matrix': return answer.rows.flat().flatMap(exprLeaves);
    case 'equation': return [answer.lhs, answer.rhs];
  }
}

function structure(s: string): MathAnswer {
  if (s === '') return { kind: 'text', text: '' };
  const unprefixed = stripVariablePrefix(s);
  if (unprefixed !== s) return structure(unprefixed);

  const matrix = /^\\begin\{([pbBvV]?matrix)\}(.*)\\end\{\1\}$/s.exec(s);
  if (matrix) {
    const rows = splitTopLevel(matrix[2] ?? '', '\\\\').map((r) => r.trim()).filter((r) => r !== '');
    return { kind: 'matrix', rows: rows.map((r) => splitTopLevel(r, '&').map((c) => structure(c.trim()))) };
  }
  const unionParts = splitTopLevel(s, '\\cup');
  if (unionParts.length > 1) return { kind: 'union', items: unionParts.map((p) => structure(p.trim())) };

  if (s.startsWith('\\{') && s.endsWith('\\}') && closingOf(s, 0) === s.length - 2) {
    return { kind: 'unordered', items: listItems(s.slice(2, -2)) };
  }
  if ('(['.includes(s[0] ?? '') && ')]'.includes(s.at(-1) ?? '') && closingOf(s, 0) === s.length - 1) {
    const inner = s.slice(1, -1);
    const parts = splitTopLevel(inner, ',');
    if (parts.length > 1) return { kind: 'ordered', open: s[0] ?? '', close: s.at(-1) ?? '', items: parts.map((p) => structure(p.trim())) };
  }
  if (splitTopLevel(s, ',').length > 1) return { kind: 'unordered', items: listItems(s) };

  const plusMinus = expandPlusMinus(s);
  if (plusMinus) return { kind: 'unordered', items: plusMinus.map(structure) };

  const sides = splitTopLevel(s, '=');
  if (sides.length === 2) return { kind: 'equation', lhs: (sides[0] ?? '').trim(), rhs: (sides[1] ?? '').trim() };
  if (sides.length > 2) return structure((sides.at(-1) ?? '').trim());

  // A number in another base ("204_5", "1A_{16}"): its digits are the answer, so compare them as written.
  const based = /^(-?[0-9A-Za-z]+)_\{?(\d+)\}?$/.exec(s);
  if (based) return { kind: 'text', text: `${based[1] ?? ''}_${based[2] ?? ''}` };
  // A ratio "1:2" is compared as the quotient it stands for.
  const ratio = splitTopLevel(s, ':');
  if (ratio.length === 2) return { kind: 'expr', latex: `\\frac{${(ratio[0] ?? '').trim()}}{${(ratio[1] ?? '').trim()}}` };
  if (isWords(s)) return textAnswer(s);
  return { kind: 'expr', latex: s };
}

function listItems(inner: string): MathAnswer[] {
  return splitTopLevel(inner, ',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .flatMap((p) => {
      const item = structure(p);
      // "1 \pm \sqrt 5, -2" lists three solutions, not a set inside a set.
      return item.kind === 'unordered' ? item.items : [item];
    });
}

function textAnswer(text: string): MathAnswer {
  const collapsed = trimTrailingPunctuation(text.replace(/\s+/g, ' '));
  const choice = /^\(([A-Za-z])\)$/.exec(collapsed);
  return { kind: 'text', text: choice ? (choice[1] ?? '') : collapsed };
}

/** Words, not algebra: a run of 3+ letters outside LaTeX commands ("east", "Evelyn"); "2k", "xy" stay algebra. */
function isWords(s: string): boolean {
  return /[A-Za-z]{3,}/.test(s.replace(/\\operatorname\{[^}]*\}/g, '').replace(/\\[A-Za-z]+/g, ' '));
}

/** `x = 3` → `3`, `x \in [1,2]` → `[1,2]`; only a single variable on the left and no other `=`. */
function stripVariablePrefix(s: string): string {
  const m = /^[A-Za-z](?:_\{?\w+\}?)?\s*(?:=|\\in(?![A-Za-z]))\s*(.+)$/s.exec(s);
  const rest = m?.[1];
  return rest !== undefined && splitTopLevel(rest, '=').length === 1 ? rest.trim() : s;
}

/** `a \pm b` → [`a + b`, `a - b`] when there is exactly one `\pm`/`\mp`; null otherwise. */
function expandPlusMinus(s: string): string[] | null {
  const re = /\\(pm|mp)(?![A-Za-z])/g;
  const matches = [...s.matchAll(re)];
  const only = matches[0];
  if (matches.length !== 1 || !only) return null;
  const [first, second] = only[1] === 'pm' ? ['+', '-'] : ['-', '+'];
  const before = s.slice(0, only.index);
  const after = s.slice(only.index + only[0].length);
  return [`${before}${first}${after}`.trim(), `${before}${second}${after}`.trim()];
}

/** Splits at `sep` where no bracket of any kind is open (intervals mix `(` and `]`, so all count alike). */
function splitTopLevel(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      if (depth === 0 && sep.startsWith('\\') && s.startsWith(sep, i) && !(/[A-Za-z]$/.test(sep) && /[A-Za-z]/.test(s[i + sep.length] ?? ''))) {
        parts.push(s.slice(start, i));
        start = i + sep.length;
        i += sep.length - 1;
        continue;
      }
      const next = s[i + 1];
      if (next === '{') depth++;
      else if (next === '}') depth--;
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/** Index of the bracket closing the one at `open` (any kind, `\{`/`\}` included); -1 if none. */
function closingOf(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const next = s[i + 1];
      if (next === '{') depth++;
      else if (next === '}' && --depth === 0) return i;
      i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && --depth === 0) return i;
  }
  return -1;
}

/** Removes `$…$`, `$$…$$`, `\(…\)`, `\[…\]` around the whole answer. */
function stripMathDelimiters(s: string): string {
  for (;;) {
    const inner =
      /^\$\$(.*)\$\$$/s.exec(s)?.[1] ??
      /^\$(.*)\$$/s.exec(s)?.[1] ??
      /^\\\((.*)\\\)$/s.exec(s)?.[1] ??
      /^\\\[(.*)\\\]$/s.exec(s)?.[1];
    if (inner === undefined) return s;
    s = inner.trim();
  }
}

const TEXT_COMMAND = /\\(?:text|textbf|textit|textrm|textnormal|mathrm|mbox)\s*\{([^{}]*)\}/g;

/**
 * String-level clean-up that makes equal answers look alike and lets the compute engine parse them:
 * spacing commands, `\left`/`\right`, `\dfrac`, degrees, `\%`, `\$`, unit words, thousands commas.
 */
function normalizeLatex(input: string): string {
  let s = input
    .replace(/[\u2212\u2013]/g, '-')
    .replace(/π/g, '\\pi ')
    .replace(/∞/g, '\\infty ')
    .replace(/×/g, '\\times ')
    .replace(/·/g, '\\cdot ')
    .replace(/√/g, '\\sqrt ')
    .replace(/±/g, '\\pm ')
    .replace(/\\(?:displaystyle|textstyle)(?![A-Za-z])/g, '')
    .replace(/\\(?:left|right)\./g, '')
    .replace(/\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big|biggl|biggr|bigg|Bigg)(?![A-Za-z])/g, '')
    .replace(/\\[dtc]frac(?![A-Za-z])/g, '\\frac')
    .replace(/\\[dt]binom(?![A-Za-z])/g, '\\binom')
    // Thousands separators: 10,\!080, 1{,}000 and 1\,000.
    .replace(/(\d)(?:,\\!|\{,\}|\\,)\s*(?=\d{3}(?!\d))/g, '$1')
    .replace(/(?<!\\)\\[!,;: ]/g, ' ')
    .replace(/\\q?quad(?![A-Za-z])/g, ' ')
    .replace(/~/g, ' ')
    .replace(/\^\s*\{?\s*\\circ\s*\}?/g, '')
    .replace(/\\circ(?![A-Za-z])|°|\\degree(?![A-Za-z])/g, '')
    .replace(/\\?%/g, '')
    .replace(/\\?\$/g, '');
  // Words between values ("3 and 5") separate list items; unit words after a value go.
  s = s.replace(/\\text\s*\{\s*(?:and|or)\s*\}|\s+(?:and|or)\s+/g, ', ');
  const withoutText = s.replace(new RegExp(`${TEXT_COMMAND.source}(?:\\^\\{?\\d\\}?)?`, 'g'), ' ');
  if (withoutText.trim() !== '') s = withoutText;
  s = withoutUnitWords(s);
  s = braceArguments(s, 'frac', 2);
  s = braceArguments(s, 'binom', 2);
  s = braceArguments(s, 'sqrt', 1);
  s = trimTrailingPunctuation(s.replace(/\s+/g, ' '));
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  return s;
}

/** "12 square units" → "12", "\sqrt{2} cm" → "\sqrt{2}": trailing plain words (2+ letters) after a value. */
function withoutUnitWords(s: string): string {
  const tokens = s.trim().split(/\s+/);
  let keep = tokens.length;
  while (keep > 1 && /^[A-Za-z]{2,}\.?(?:\^\{?\d\}?)?$/.test(tokens[keep - 1] ?? '')) keep--;
  const value = tokens.slice(0, keep).join(' ');
  return keep < tokens.length && /[\d})\]]$/.test(value) ? value : s;
}

/** `\frac12` / `\frac{270}7` → `\frac{1}{2}` / `\frac{270}{7}`: the engine misreads unbraced arguments. */
function braceArguments(s: string, command: string, count: number): string {
  const re = new RegExp(`\\\\${command}(?![A-Za-z])`, 'g');
  let out = '';
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    let i = m.index + m[0].length;
    out += s.slice(pos, i);
    const optional = command === 'sqrt' ? /^\s*\[[^\]]*\]/.exec(s.slice(i)) : null;
    if (optional) {
      out += optional[0].trim();
      i += optional[0].length;
    }
    for (let n = 0; n < count; n++) {
      while (s[i] === ' ') i++;
      const arg = readArgument(s, i);
      if (!arg) break;
      out += `{${arg.text}}`;
      i = arg.end;
    }
    pos = i;
    re.lastIndex = i;
  }
  return out + s.slice(pos);
}

function readArgument(s: string, i: number): { text: string; end: number } | null {
  const c = s[i];
  if (c === undefined) return null;
  if (c === '{') {
    const end = matchingBrace(s, i);
    return end < 0 ? null : { text: s.slice(i + 1, end), end: end + 1 };
  }
  if (c === '\\') {
    const name = /^\\[A-Za-z]+/.exec(s.slice(i));
    return name ? { text: name[0], end: i + name[0].length } : null;
  }
  return /[\s}]/.test(c) ? null : { text: c, end: i + 1 };
}
