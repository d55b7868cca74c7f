// The answers of the last Run Gap Check… in this workspace (workspaceState), offered first next
// time. Read back through a validator: the stored value may come from an older version. Pure: no 'vscode'.
import { BASE_VERIFIERS, type BaseVerifierName } from '../../core/verify/verifier';
import { parseFilter } from '../../core/filter/parse';
import { MAX_VERIFICATIONS } from '../../core/verify/draws';

export const RUN_CHOICES_KEY = 'gaplens.runChoices';

export interface RunChoices {
  /** The profile's name. */
  profile?: string;
  executor?: 'online' | 'batch';
  n?: number;
  maxTokens?: number;
  verifiers?: BaseVerifierName[];
  /** Verifications per sample (K) of the verifiers that can draw several; absent when last asked of none. */
  verifications?: number;
  /** Tasks of a built-in set; null: all of them. */
  limit?: number | null;
  filter?: string;
}

const positiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/** The valid fields of a stored value; anything else is left out (asked with the settings' defaults). */
export function readRunChoices(raw: unknown): RunChoices {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const r = raw as Record<string, unknown>;
  const verifiers = Array.isArray(r.verifiers) && r.verifiers.length > 0 && r.verifiers.every((v) => (BASE_VERIFIERS as readonly unknown[]).includes(v)) ? (r.verifiers as BaseVerifierName[]) : undefined;
  return {
    ...(typeof r.profile === 'string' ? { profile: r.profile } : {}),
    ...(r.executor === 'online' || r.executor === 'batch' ? { executor: r.executor } : {}),
    ...(positiveInteger(r.n) && r.n <= 100_000 ? { n: r.n } : {}),
    ...(positiveInteger(r.maxTokens) ? { maxTokens: r.maxTokens } : {}),
    ...(verifiers ? { verifiers } : {}),
    ...(positiveInteger(r.verifications) && r.verifications <= MAX_VERIFICATIONS ? { verifications: r.verifications } : {}),
    ...(r.limit === null || positiveInteger(r.limit) ? { limit: r.limit } : {}),
    ...(typeof r.filter === 'string' && isFilter(r.filter) ? { filter: r.filter } : {}),
  };
}

function isFilter(text: string): boolean {
  try {
    parseFilter(text);
    return true;
  } catch {
    return false;
  }
}
