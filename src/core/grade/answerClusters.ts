// Answers without a gold answer (Check Selection): each sample's final answer, found with the task's
// grader's extractor (else the generic one), and grouped with the answers the grader counts as equal,
// so that marking one group's answer as right grades every sample in it correct. Definitions in
// docs/tasks.md, "Answers without a gold answer". Pure.
import type { Task } from '../tasks/task';
import { genericAnswerKey, genericFinalAnswer } from './answerExtraction';
import { getGrader } from './graders';

/** One sample's answer and the group it joined. */
export interface ClusteredAnswer {
  /** The answer as written in the output; null when none was found. */
  extracted: string | null;
  /** The group's answer (its first member's normalized answer): what "Mark as right answer" makes the gold. */
  normalized: string | null;
  /** One sentence: where the answer was found and which group it joined. */
  reason: string;
}

const UNGRADED = 'no gold answer yet: mark the right answer to grade the samples';

/**
 * The answer groups of one task, built sample by sample in the order the samples are recorded
 * (samples.jsonl order, so a reload rebuilds the same groups). A sample joins the first group, in the
 * order the groups were made, whose answer equals its own normalized answer or that the grader
 * accepts as a gold answer for its output; else it starts a new group. Answers found only by the
 * generic extractor join a group only by equal keys (genericAnswerKey).
 */
export class AnswerClusters {
  private readonly groups: { answer: string; byGrader: boolean }[] = [];

  constructor(private readonly task: Task) {}

  add(output: string): ClusteredAnswer {
    const grader = getGrader(this.task.grader);
    const found = grader.extract(output);
    if (found) {
      const group = this.groups.find((g) => g.byGrader && (g.answer === found.normalized || grader.grade(output, { ...this.task, answer: g.answer }).correct));
      return this.join(group, found.normalized, true, found.extracted, `found "${found.extracted}" ${found.where}`);
    }
    const generic = genericFinalAnswer(output);
    if (!generic) return { extracted: null, normalized: null, reason: `no answer found in the output; ${UNGRADED}` };
    const key = genericAnswerKey(generic.text);
    const group = this.groups.find((g) => !g.byGrader && g.answer === key);
    return this.join(group, key, false, generic.text, `the ${grader.name} grader finds no answer; found "${generic.text}" ${generic.where}`);
  }

  private join(group: { answer: string } | undefined, own: string, byGrader: boolean, extracted: string, found: string): ClusteredAnswer {
    if (!group) this.groups.push({ answer: own, byGrader });
    const answer = group?.answer ?? own;
    const grouped = answer === own ? '' : ` (grouped with the answer "${answer}")`;
    return { extracted, normalized: answer, reason: `${found}${grouped}; ${UNGRADED}` };
  }
}
