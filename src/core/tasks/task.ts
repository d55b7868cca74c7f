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

/** A problem in a task file: always points at a line. */
export interface TaskDiagnostic {
  file: string;
  line: number;
  severity: 'error' | 'warning';
  message: string;
}
