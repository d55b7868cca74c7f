// Finding the final answer inside free model text. Shared by the graders because models mark their
// final answer the same few ways whatever the task: `\boxed{…}`, "the answer is …", `#### …`.

/** A piece of the output and where it came from, so a grade's reason can say "found X in Y". */
export interface Found {
  text: string;
  /** Where the text was found, as a phrase for a reason: `in \boxed{}`, `after "the answer is"`. */
  where: string;
}

/**
 * The content of the last `\boxed{…}` or `\fbox{…}` (balanced braces), or of `\boxed 5` (no braces,
 * up to the next space or `$`). Null if there is none or its braces never close.
 */
export function lastBoxed(text: string): Found | null {
  const re = /\\(boxed|fbox)\b\s*/g;
  let last: Found | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[0].length;
    const where = `in \\${m[1] ?? 'boxed'}{}`;
    if (text[start] === '{') {
      const end = matchingBrace(text, start);
      if (end >= 0) last = { text: text.slice(start + 1, end), where };
    } else {
      const token = /^[^\s$]+/.exec(text.slice(start));
      if (token) last = { text: token[0], where };
    }
  }
  return last;
}

/** Index of the `}` closing the `{` at `open`, honouring nesting and `\{`/`\}`; -1 if unbalanced. */
export function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * What follows the last "the (final) answer is" / "Answer:" marker, up to the end of that line.
 * `#### ` (GSM8K's marker) is handled separately by the numeric grader because it outranks this.
 */
export function afterAnswerMarker(text: string): Found | null {
  const re = /(?:\b(?:the\s+)?final\s+answer\s*(?:is|:)|\bthe\s+answer\s+is\b\s*:?|\banswer\s*:)[ \t]*/gi;
  let last: Found | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const rest = text.slice(m.index + m[0].length);
    const line = rest.split(/\r?\n/, 1)[0] ?? '';
    if (line.trim() !== '') last = { text: line.trim(), where: `after "${m[0].trim()}"` };
  }
  return last;
}

/**
 * Drops trailing sentence punctuation and spaces ("12." → "12", "Paris." → "Paris"). Not "!", which
 * is a factorial in math. A loop, not a regex, so long runs of dots cost linear time.
 */
export function trimTrailingPunctuation(text: string): string {
  let end = text.length;
  while (end > 0 && /[\s.;,]/.test(text[end - 1] ?? '')) end--;
  return text.slice(0, end).trim();
}

/**
 * The generic final-answer extractor, for output in which the task's grader finds no answer of its
 * kind: the last `\boxed{}`, else what follows the last answer marker, else the last non-empty line;
 * trailing sentence punctuation dropped. Null for output with no visible text.
 */
export function genericFinalAnswer(output: string): Found | null {
  const found = lastBoxed(output) ?? afterAnswerMarker(output) ?? lastLine(output);
  if (!found) return null;
  const text = trimTrailingPunctuation(found.text);
  return text === '' ? null : { text, where: found.where };
}

/** A generic answer as it is compared: whitespace runs collapsed to one space, lowercased. */
export function genericAnswerKey(answer: string): string {
  return answer.replace(/\s+/g, ' ').trim().toLowerCase();
}

function lastLine(text: string): Found | null {
  const line = text.split(/\r?\n/).findLast((l) => l.trim() !== '');
  return line === undefined ? null : { text: line.trim(), where: 'on the last line' };
}
