// Exact-match grading for user task sets whose answers must be reproduced verbatim.

import type { Task } from '../tasks/task';
import { goldAnswers } from './goldAnswers';
import type { GradeResult, Grader } from './grader';

export const exactGrader: Grader = {
  name: 'exact',
  extract(output: string) {
    const normalized = collapseWhitespace(output);
    return normalized === '' ? null : { extracted: output, normalized, where: 'as the whole output' };
  },
  grade(output: string, task: Task): GradeResult {
    const normalized = collapseWhitespace(output);
    const golds = goldAnswers(task);
    const match = golds.find((gold) => collapseWhitespace(gold) === normalized);
    const shown = golds.map((g) => JSON.stringify(collapseWhitespace(g))).join(' or ');
    return {
      correct: match !== undefined,
      extracted: output,
      normalized,
      reason: match === undefined ? `the whole output ${JSON.stringify(normalized)} is not exactly ${shown}` : `the whole output equals ${JSON.stringify(normalized)} exactly`,
    };
  },
  checkGold(task: Task): string | null {
    return goldAnswers(task).some((gold) => collapseWhitespace(gold) === '') ? 'gold answer is empty' : null;
  },
};

/** Trimmed, with every whitespace run turned into one space; case is kept. */
function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
