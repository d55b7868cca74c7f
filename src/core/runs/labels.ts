// What human labels say about a sample's correctness, and which labels belong to an audit. Pure (no
// Node): the panel reads its labels with the same rules as `gaplens report`. Definitions:
// docs/run-format.md ("annotations.jsonl") and docs/statistics.md ("Audit").
import type { AnnotationRecord } from './records';
import { sampleKey } from './sampleKey';

/**
 * The correctness corrected by the sample's current label (its last annotation): the human verdict
 * when the label has one, else the checker's verdict flipped when the label says the checker was wrong,
 * else the checker's verdict. Other causes (the verifier, the gold answer, the question) leave it alone.
 */
export function correctedVerdict(checker: boolean, label: AnnotationRecord | undefined): boolean {
  if (label?.human !== undefined) return label.human === 'correct';
  return label?.cause === 'checker-wrong' ? !checker : checker;
}

/** Each sample's label in the audit `auditId`: its last annotation carrying that id, by sample key. */
export function auditLabels(annotations: readonly AnnotationRecord[], auditId: string): Map<string, AnnotationRecord> {
  const labels = new Map<string, AnnotationRecord>();
  for (const a of annotations) if (a.audit?.id === auditId) labels.set(sampleKey(a.task, a.index), a);
  return labels;
}
