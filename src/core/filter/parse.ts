// The text forms of filters and score selectors, as typed on the command line and stored in run.json.
import { UserError } from '../util/errors';
import type { FilterSpec, ScoreSelector } from './spec';

const FILTER_FORMS =
  'quantile:q (0 ≤ q ≤ 1, cut at each task\'s own q-quantile), threshold:τ (0 ≤ τ ≤ 1, keep score ≥ τ), ' +
  'topk:k (integer k ≥ 1, the k best of each task), exp:β (β > 0, weight exp(score/β)); e.g. quantile:0.7';

const SELECTOR_FORMS =
  'a verifier name (mc, cot-binary, cot-score, tournament, …), and(a,b,…) to keep only what every part keeps, ' +
  'or mean(a,b,…) to average the parts\' scores; nesting is allowed, e.g. and(mc,mean(cot-score,cot-binary))';

// Plain decimal or scientific notation only: Number() alone would also accept '', ' ', '0x10' and 'Infinity'.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseFilter(s: string): FilterSpec {
  const fail = (reason: string): never => {
    throw new UserError(`Invalid filter "${s}": ${reason}. Valid forms: ${FILTER_FORMS}.`, 2);
  };
  const text = s.trim();
  const colon = text.indexOf(':');
  if (colon < 0) return fail('expected <kind>:<number>');
  const kind = text.slice(0, colon).trim().toLowerCase();
  const valueText = text.slice(colon + 1).trim();
  if (!NUMBER.test(valueText)) return fail(`"${valueText}" is not a number`);
  const value = Number(valueText);
  switch (kind) {
    case 'quantile':
      if (!(value >= 0 && value <= 1)) fail('q must be between 0 and 1');
      return { kind: 'quantile', q: value };
    case 'threshold':
      // Scores are normalised to [0,1] by every verifier; a τ outside would keep all or nothing.
      if (!(value >= 0 && value <= 1)) fail('τ must be between 0 and 1 (scores are normalised to [0,1])');
      return { kind: 'threshold', tau: value };
    case 'topk':
      if (!Number.isSafeInteger(value) || value < 1) fail('k must be an integer ≥ 1');
      return { kind: 'topk', k: value };
    case 'exp':
      if (!(value > 0) || !Number.isFinite(value)) fail('β must be greater than 0');
      return { kind: 'exp', beta: value };
    default:
      return fail(`unknown filter kind "${kind}"`);
  }
}

export function formatFilter(spec: FilterSpec): string {
  switch (spec.kind) {
    case 'quantile':
      return `quantile:${spec.q}`;
    case 'threshold':
      return `threshold:${spec.tau}`;
    case 'topk':
      return `topk:${spec.k}`;
    case 'exp':
      return `exp:${spec.beta}`;
  }
}

// '@' joins a verifier and the model that verified (mc@qwen2.5-72b: cross-verification), '#' a
// verifier and its template version (cot-score#v2: runs/templateVersions.ts).
const NAME = /[A-Za-z0-9_.@#-]/;

/** Recursive descent over `selector := name | (and|mean) '(' selector (',' selector)* ')'`, spaces allowed between tokens. */
export function parseSelector(s: string): ScoreSelector {
  let pos = 0;
  const fail = (reason: string): never => {
    throw new UserError(`Invalid score selector "${s}": ${reason} at position ${pos + 1}. Valid forms: ${SELECTOR_FORMS}.`, 2);
  };
  const skipSpaces = (): void => {
    while (pos < s.length && /\s/.test(s.charAt(pos))) pos++;
  };
  const parseNode = (): ScoreSelector => {
    skipSpaces();
    const start = pos;
    while (pos < s.length && NAME.test(s.charAt(pos))) pos++;
    const name = s.slice(start, pos);
    if (name === '') return fail('expected a verifier name, and(…) or mean(…)');
    skipSpaces();
    const combinator = name === 'and' || name === 'mean' ? name : null;
    if (s.charAt(pos) !== '(') {
      if (combinator) fail(`${combinator} needs its parts in parentheses, e.g. ${combinator}(mc,cot-score)`);
      return { kind: 'verifier', name };
    }
    if (!combinator) return fail(`"${name}" is not a combinator (only and(…) and mean(…) take parts)`);
    pos++;
    const parts = [parseNode()];
    skipSpaces();
    while (s.charAt(pos) === ',') {
      pos++;
      parts.push(parseNode());
      skipSpaces();
    }
    if (s.charAt(pos) !== ')') fail('expected "," or ")"');
    pos++;
    return { kind: combinator, parts };
  };
  const selector = parseNode();
  skipSpaces();
  if (pos < s.length) fail('unexpected text after the selector');
  return selector;
}

export function formatSelector(sel: ScoreSelector): string {
  return sel.kind === 'verifier' ? sel.name : `${sel.kind}(${sel.parts.map(formatSelector).join(',')})`;
}
