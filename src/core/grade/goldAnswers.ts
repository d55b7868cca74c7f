import type { Task } from '../tasks/task';

/** The gold answer as a list of accepted strings (a single answer or every alias). */
export function goldAnswers(task: Task): string[] {
  return typeof task.answer === 'string' ? [task.answer] : task.answer;
}
