// Walking an audit's drawn samples in the panel: each one's verdict so far in this audit, how many have
// one, and the next to label: the first in labelling order without a label (docs/statistics.md, "The
// draw and the labelling order": labelling in this order keeps the labelled samples a random sample).
import type { AnnotationRecord, AuditFile, HumanVerdict } from '../../src/core/runs/records';

export interface AuditWalk {
  /** Per drawn sample, in labelling order: the verdict of its last label in this audit, or null. */
  verdicts: (HumanVerdict | null)[];
  labelled: number;
  /** The position of the next sample to label; −1 when every drawn sample has a label. */
  next: number;
}

/** `labelsOf`: a sample's annotations in file order. */
export function auditWalk(file: AuditFile, labelsOf: (task: string, index: number) => readonly AnnotationRecord[]): AuditWalk {
  const verdicts = file.samples.map((s) => {
    const labels = labelsOf(s.task, s.index);
    for (let i = labels.length - 1; i >= 0; i--) {
      const label = labels[i] as AnnotationRecord;
      if (label.audit?.id === file.id) return label.human ?? null;
    }
    return null;
  });
  return { verdicts, labelled: verdicts.filter((v) => v !== null).length, next: verdicts.indexOf(null) };
}

/** Where a sample is in the labelling order; −1 when it was not drawn. */
export function drawnPosition(file: AuditFile, task: string, index: number): number {
  return file.samples.findIndex((s) => s.task === task && s.index === index);
}
