// Which `{{placeholders}}` a template of each role may use, and the one pattern that finds them,
// shared by the loader (validation) and the renderer (substitution) so the two never disagree.
import type { TemplateRole } from './templates';

/**
 * Every `{{…}}` with no brace inside is a placeholder; spaces around the name are allowed.
 * LaTeX that really needs a literal `{{x}}` can write `{ {x} }`, which means the same to TeX.
 */
export const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** The placeholders each role must use, and the only ones it may use. */
export const ROLE_PLACEHOLDERS: Readonly<Record<TemplateRole, readonly string[]>> = {
  generate: ['question'],
  'verify-mc': ['question', 'response'],
  'verify-cot-binary': ['question', 'response'],
  'verify-cot-score': ['question', 'response'],
  'verify-tournament': ['question', 'response_a', 'response_b'],
};

export interface PlaceholderUse {
  name: string;
  /** 1-based line of the text the placeholder starts on. */
  line: number;
}

/** Every placeholder in the text, in order, with the line it is on. */
export function findPlaceholders(text: string): PlaceholderUse[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => ({
    name: (m[1] ?? '').trim(),
    line: lineAt(text, m.index),
  }));
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
