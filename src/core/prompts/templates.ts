import type { GraderName } from '../tasks/task';

/** What a template is for. */
export const TEMPLATE_ROLES = ['generate', 'verify-mc', 'verify-cot-binary', 'verify-cot-score', 'verify-tournament'] as const;
export type TemplateRole = (typeof TEMPLATE_ROLES)[number];

export interface Template {
  role: TemplateRole;
  kind: GraderName;
  /** Path it was read from (default or user override). */
  path: string;
  text: string;
  sha256: string;
}

export interface TemplateSet {
  get(role: TemplateRole, kind: GraderName): Template;
}
