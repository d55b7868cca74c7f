// The panel's keyboard shortcuts as data, so the mapping is testable without a DOM.
import { ANNOTATION_CAUSES, type AnnotationCause } from '../../src/protocol/panelProtocol';

export type KeyAction =
  | { kind: 'nextSample' }
  | { kind: 'previousSample' }
  | { kind: 'nextDisagreement' }
  | { kind: 'label'; cause: AnnotationCause };

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The key went to a text field (typing a note must not label samples). */
  inTextField: boolean;
}

/** j/k: next/previous sample, n: next disagreement, 1–5: label the selected sample with a cause. */
export function keyAction(press: KeyPress): KeyAction | null {
  if (press.inTextField || press.ctrlKey || press.metaKey || press.altKey) return null;
  switch (press.key) {
    case 'j':
      return { kind: 'nextSample' };
    case 'k':
      return { kind: 'previousSample' };
    case 'n':
      return { kind: 'nextDisagreement' };
  }
  const digit = /^[1-9]$/.test(press.key) ? Number(press.key) : 0;
  const cause = ANNOTATION_CAUSES[digit - 1];
  return cause ? { kind: 'label', cause } : null;
}

export const CAUSE_LABELS: Record<AnnotationCause, string> = {
  'verifier-wrong': 'Verifier wrong',
  'checker-wrong': 'Checker wrong',
  'gold-wrong': 'Gold label wrong',
  ambiguous: 'Ambiguous',
  other: 'Other',
};
