// A human label as the table, the detail pane and the audit name it: its cause, its verdict on the
// answer (an audit label always has one), or both.
import type { AnnotationRecord } from '../../src/core/runs/records';
import { CAUSE_LABELS } from './keyboard';

export function labelText(label: Pick<AnnotationRecord, 'cause' | 'human'>): string {
  const verdict = label.human === undefined ? null : `answer ${label.human}`;
  if (label.cause === undefined) return verdict === null ? '' : `A${verdict.slice(1)}`;
  return verdict === null ? CAUSE_LABELS[label.cause] : `${CAUSE_LABELS[label.cause]} · ${verdict}`;
}
