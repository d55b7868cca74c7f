import type { GraderName, Task } from '../tasks/task';

/** A checker's decision with the evidence behind it, so the panel can show why. */
export interface GradeResult {
  correct: boolean;
  /** The final answer as found in the model output, or null if none was found. */
  extracted: string | null;
  /** The extracted answer after normalization (what was actually compared). */
  normalized: string | null;
  /** One human-readable sentence: why correct / why not. */
  reason: string;
}

/** A final answer found in model output without any gold answer (Check Selection clusters these). */
export interface ExtractedAnswer {
  /** As written in the output. */
  extracted: string;
  /** As the grader compares it (the same normalization `grade` applies). */
  normalized: string;
  /** Where it was found, as a phrase for a reason: `in \boxed{}`, `after "the answer is"`. */
  where: string;
}

export interface Grader {
  readonly name: GraderName;
  /** The final answer the grader would compare, found without a gold answer; null if it finds none. */
  extract(output: string): ExtractedAnswer | null;
  /** Grades a model output against the task's gold answer. Never throws on model output. */
  grade(output: string, task: Task): GradeResult;
  /** Checks the gold answer itself is usable; returns a message if not (for diagnostics). */
  checkGold(task: Task): string | null;
}
