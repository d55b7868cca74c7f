// Natural Questions (open) grading: SQuAD-normalized exact match against any accepted alias.

import type { Task } from '../tasks/task';
import { afterAnswerMarker, trimTrailingPunctuation, type Found } from './answerExtraction';
import { goldAnswers } from './goldAnswers';
import type { GradeResult, Grader } from './grader';

export const nqGrader: Grader = {
  name: 'nq',
  extract(output: string) {
    const found = extractShortAnswer(output);
    return found ? { extracted: found.text, normalized: matchKey(found.text), where: found.where } : null;
  },
  grade(output: string, task: Task): GradeResult {
    const found = extractShortAnswer(output);
    if (!found) return { correct: false, extracted: null, normalized: null, reason: 'the output is empty' };
    const normalized = matchKey(found.text);
    const aliases = goldAnswers(task);
    const match = aliases.find((alias) => matchKey(alias) === normalized);
    const reason =
      match === undefined
        ? `found "${found.text}" ${found.where}; "${normalized}" matches none of the ${aliases.length} accepted answers (${aliases.map((a) => `"${matchKey(a)}"`).join(', ')})`
        : `found "${found.text}" ${found.where}; "${normalized}" matches the accepted answer "${match}"`;
    return { correct: match !== undefined, extracted: found.text, normalized, reason };
  },
  checkGold(task: Task): string | null {
    return goldAnswers(task).some((alias) => alias.trim() === '') ? 'an accepted answer is empty' : null;
  },
};

/** SQuAD's normalize_answer: lowercase, drop punctuation, drop the articles a/an/the, collapse whitespace. */
export function normalizeSquad(text: string): string {
  return text
    .toLowerCase()
    .replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The SQuAD normalization, except that an answer made only of punctuation or articles ("A+", "*")
 * is compared lowercased as written: SQuAD would reduce it to "" and count an empty reply correct.
 */
function matchKey(text: string): string {
  return normalizeSquad(text) || text.trim().toLowerCase();
}

/** After "the answer is" / "Answer:", else the first non-empty line; without a trailing period. */
function extractShortAnswer(output: string): Found | null {
  const marked = afterAnswerMarker(output);
  if (marked) return { text: trimTrailingPunctuation(marked.text), where: marked.where };
  const firstLine = output.split(/\r?\n/).find((line) => line.trim() !== '');
  return firstLine === undefined ? null : { text: trimTrailingPunctuation(firstLine), where: 'on the first line' };
}
