// The task model every other part of Gap Lens works on. Readers in this folder turn files and
// built-in generators into these; nothing here imports 'vscode'.

/** How a task's answer is checked; also picks the default prompt templates for the task. */
export const GRADER_NAMES = ['numeric', 'math', 'nq', 'sudoku', 'exact'] as const;
export type GraderName = (typeof GRADER_NAMES)[number];

export interface Task {
  /** Unique within a task set. */
  id: string;
  question: string;
  /** Gold answer. NQ tasks carry every accepted alias; Sudoku tasks carry the 16-digit solution or puzzle givens. */
  answer: string | string[];
  grader: GraderName;
  meta?: Record<string, unknown>;
}

/** Where a task came from, so diagnostics can point at it. */
export interface TaskOrigin {
  file: string;
  /** 1-based line (JSONL/CSV); 0 for generated tasks. */
  line: number;
}

export interface TaskSet {
  /** `builtin:sudoku4x4`, or the file path as given. */
  source: string;
  tasks: Task[];
  origins: TaskOrigin[];
}

/** An edit that fixes a problem: `text` (JSON) replaces the problem's span. */
export interface TaskFix {
  /** Says what the edit does, e.g. `Use grader "numeric"`. */
  title: string;
  text: string;
  /** The edit the problem most likely wants (a misspelling's intended name); at most one per problem. */
  preferred: boolean;
}

/** A problem in a task file: always points at a line. */
export interface TaskDiagnostic {
  file: string;
  line: number;
  /**
   * Where on the line, as 0-based UTF-16 offsets [start, end) (an editor's columns): the field
   * value or field name the problem is about, or the character where the JSON stops being JSON.
   * Absent: the line as a whole (a missing field, a line that is not an object, CSV rows).
   */
  span?: { start: number; end: number };
  severity: 'error' | 'warning';
  message: string;
  /** Edits of `span` that fix the problem, best first (an unknown grader, a misspelled field name). */
  fixes?: TaskFix[];
}
