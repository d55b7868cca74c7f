// GSM8K-style grading: one final number, found in free text and compared numerically.

import type { Task } from '../tasks/task';
import { afterAnswerMarker, lastBoxed, type Found } from './answerExtraction';
import { goldAnswers } from './goldAnswers';
import type { GradeResult, Grader } from './grader';

interface NumberToken {
  /** As written, e.g. "$1,234" or "12.5%". */
  raw: string;
  value: number;
}

/**
 * One number as people write it: optional minus and `$`, digits with optional thousands commas,
 * optional decimals (".5" too), an optional `/denominator` (a simple fraction) and an optional `%`
 * (a percentage stays the number written: "25%" is 25, as GSM8K golds are).
 * A minus right after a letter, digit or closing bracket is subtraction, not a sign.
 */
const NUMBER_RE = /(?:(?<![\w)\]}])(-))?(?:\$\s?)?(?<![\w.])((?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+)(?:\/(\d+)(?![\d.]))?(\s?%)?/g;

/** Relative tolerance for numeric equality: exact decimals must agree to about 6 significant digits. */
const RELATIVE_TOLERANCE = 1e-6;

export const numericGrader: Grader = {
  name: 'numeric',
  extract(output: string) {
    const found = extractNumericAnswer(output);
    return found ? { extracted: found.token.raw, normalized: formatNumber(found.token.value), where: found.where } : null;
  },
  grade(output: string, task: Task): GradeResult {
    const golds = goldNumbers(task);
    if (golds === null) {
      return { correct: false, extracted: null, normalized: null, reason: `the gold answer ${JSON.stringify(task.answer)} is not a number` };
    }
    const found = extractNumericAnswer(output);
    if (!found) return { correct: false, extracted: null, normalized: null, reason: 'no number found in the output' };
    const normalized = formatNumber(found.token.value);
    const goldText = golds.map(formatNumber).join(' or ');
    const correct = golds.some((gold) => numbersEqual(found.token.value, gold));
    const verdict = correct ? `equals the gold answer ${goldText}` : `differs from the gold answer ${goldText}`;
    return {
      correct,
      extracted: found.token.raw,
      normalized,
      reason: `found "${found.token.raw}" ${found.where}; ${normalized} ${verdict}`,
    };
  },
  checkGold(task: Task): string | null {
    const bad = goldAnswers(task).find((a) => parseNumber(a) === null);
    return bad === undefined ? null : `gold answer ${JSON.stringify(bad)} is not a number (the numeric grader needs e.g. "42", "-3.5", "1,234")`;
  },
};

/**
 * The final number of a free-text answer, by priority: after the last `####`, after "the answer
 * is", inside the last `\boxed{}`, else the last number anywhere.
 */
export function extractNumericAnswer(output: string): { token: NumberToken; where: string } | null {
  const text = normalizeNumberText(output);
  const marked: (Found | null)[] = [afterHashes(text), afterAnswerMarker(text), lastBoxed(text)];
  for (const found of marked) {
    const token = found ? numberTokens(found.text)[0] : undefined;
    if (found && token) return { token, where: found.where };
  }
  const last = numberTokens(text).at(-1);
  return last ? { token: last, where: 'as the last number in the text' } : null;
}

/** Parses a string that must be exactly one number ("1,234", "$5", "-0.5", "12%"); null otherwise. */
export function parseNumber(text: string): number | null {
  const trimmed = normalizeNumberText(text).trim();
  const tokens = numberTokens(trimmed);
  const only = tokens[0];
  return tokens.length === 1 && only && only.raw === trimmed ? only.value : null;
}

function numbersEqual(a: number, b: number): boolean {
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(b));
}

function goldNumbers(task: Task): number[] | null {
  const values = goldAnswers(task).map(parseNumber);
  return values.length > 0 && values.every((v): v is number => v !== null) ? values : null;
}

function afterHashes(text: string): Found | null {
  const at = text.lastIndexOf('####');
  if (at < 0) return null;
  return { text: (text.slice(at + 4).split(/\r?\n/, 1)[0] ?? '').trim(), where: 'after "####"' };
}

/** Rewrites the LaTeX and Unicode spellings of numbers into plain ones the regex reads. */
function normalizeNumberText(text: string): string {
  return text
    .replace(/[\u2212\u2013]/g, '-')
    .replace(/\{,\}/g, ',')
    .replace(/\\[!,;: ]/g, '')
    .replace(/\\\$/g, '$')
    .replace(/\\%/g, '%')
    .replace(/\\[dt]?frac\s*\{\s*(-?\d+)\s*\}\s*\{\s*(\d+)\s*\}/g, '$1/$2');
}

function numberTokens(text: string): NumberToken[] {
  const tokens: NumberToken[] = [];
  for (const m of text.matchAll(NUMBER_RE)) {
    const [raw, minus, digits, denominator] = m;
    if (digits === undefined) continue;
    const magnitude = Number(digits.replace(/,/g, ''));
    const value = (minus ? -magnitude : magnitude) / (denominator === undefined ? 1 : Number(denominator));
    if (Number.isFinite(value)) tokens.push({ raw: raw.trim(), value });
  }
  return tokens;
}

function formatNumber(value: number): string {
  return Object.is(value, -0) ? '0' : String(value);
}
