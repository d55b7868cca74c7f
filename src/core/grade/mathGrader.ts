// MATH / MATH-500 grading: the final LaTeX answer, compared with the gold by mathematical equivalence.

import type { Task } from '../tasks/task';
import { afterAnswerMarker, lastBoxed, trimTrailingPunctuation, type Found } from './answerExtraction';
import { goldAnswers } from './goldAnswers';
import type { GradeResult, Grader } from './grader';
import { describeMathAnswer, exprLeaves, parseMathAnswer } from './latexAnswer';
import { compareMathAnswers, latexParseError, type Verdict } from './mathEquivalence';

/** A bare output this short and on one line is taken as the answer itself ("5", "\frac12"). */
const MAX_BARE_ANSWER_LENGTH = 60;

export const mathGrader: Grader = {
  name: 'math',
  extract(output: string) {
    const found = extractMathAnswer(output);
    return found ? { extracted: found.text, normalized: describeMathAnswer(parseMathAnswer(found.text)), where: found.where } : null;
  },
  grade(output: string, task: Task): GradeResult {
    const found = extractMathAnswer(output);
    if (!found) {
      return { correct: false, extracted: null, normalized: null, reason: 'no final answer found (no \\boxed{}, no "the answer is", no $…$)' };
    }
    const given = parseMathAnswer(found.text);
    const normalized = describeMathAnswer(given);
    let firstMiss: { gold: string; verdict: Verdict } | undefined;
    for (const gold of goldAnswers(task)) {
      const verdict = compareMathAnswers(parseMathAnswer(gold), given);
      if (verdict.equal) {
        return { correct: true, extracted: found.text, normalized, reason: `found "${found.text}" ${found.where}; it matches the gold "${gold}": ${verdict.how}` };
      }
      firstMiss ??= { gold, verdict };
    }
    const miss = firstMiss ? `it does not match the gold "${firstMiss.gold}": ${firstMiss.verdict.how}` : 'the task has no gold answer';
    return { correct: false, extracted: found.text, normalized, reason: `found "${found.text}" ${found.where}; ${miss}` };
  },
  checkGold(task: Task): string | null {
    for (const gold of goldAnswers(task)) {
      if (gold.trim() === '') return 'gold answer is empty';
      for (const leaf of exprLeaves(parseMathAnswer(gold))) {
        const problem = latexParseError(leaf);
        if (problem) return `gold answer ${JSON.stringify(gold)} does not parse as LaTeX: ${problem} in "${leaf}"`;
      }
    }
    return null;
  },
};

/**
 * The final answer, by priority: the last `\boxed{}`/`\fbox{}`, what follows "the answer is"
 * (its first `$…$` if it has one), the last `$…$` / `\(…\)` / `\[…\]`, else a short one-line output.
 */
export function extractMathAnswer(output: string): Found | null {
  const boxed = lastBoxed(output);
  if (boxed) return boxed;
  const marked = afterAnswerMarker(output);
  if (marked) {
    const math = mathSpans(marked.text)[0];
    return { text: math ?? trimTrailingPunctuation(marked.text), where: marked.where };
  }
  const lastMath = mathSpans(output).at(-1);
  if (lastMath !== undefined) return { text: lastMath, where: 'in the last $…$' };
  const bare = output.trim();
  if (bare !== '' && !bare.includes('\n') && bare.length <= MAX_BARE_ANSWER_LENGTH) return { text: trimTrailingPunctuation(bare), where: 'as the whole output' };
  return null;
}

function mathSpans(text: string): string[] {
  const spans: string[] = [];
  for (const m of text.matchAll(/\$\$([^$]+)\$\$|\$([^$]+)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]/gs)) {
    const inner = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').trim();
    if (inner !== '') spans.push(trimTrailingPunctuation(inner));
  }
  return spans;
}
