// Verifiers: the model judging its own samples (paper Sec. 3) — mc, cot-binary, cot-score, tournament.
// Pure core: no 'vscode', no DOM; models are reached only through ModelBackend.
import type { ModelBackend } from '../llm/backend';
import { canonicalModelSpec, modelLabel, modelSlug, parseModelSpec } from '../llm/modelSpec';
import { UserError } from '../util/errors';
import { cotBinaryVerifier, cotScoreVerifier } from './cot';
import { verificationsRefusal } from './draws';
import { mcVerifier } from './mc';
import { createTournamentVerifier } from './tournament';
import { BASE_VERIFIERS, type BaseVerifierName, type Verifier } from './verifier';

export interface VerifierOptions {
  /** Tournament only: ask every match in both A/B orders (twice the calls). */
  tournamentBothOrders?: boolean;
}

export function createVerifier(name: BaseVerifierName, opts: VerifierOptions = {}): Verifier {
  switch (name) {
    case 'mc':
      return mcVerifier;
    case 'cot-binary':
      return cotBinaryVerifier;
    case 'cot-score':
      return cotScoreVerifier;
    case 'tournament':
      return createTournamentVerifier({ bothOrders: opts.tournamentBothOrders ?? false });
  }
}

/** A comma-separated list of verifier names ("mc, cot-score"); bad input is a usage error (exit 2). */
export function parseVerifierList(s: string): BaseVerifierName[] {
  const valid = `valid verifiers: ${BASE_VERIFIERS.join(', ')}`;
  const names = s.split(',').map((n) => n.trim());
  if (names.every((n) => n === '')) throw new UserError(`no verifier given; ${valid}`, 2);
  if (names.includes('')) throw new UserError(`empty name in the verifier list '${s}'; ${valid}`, 2);
  const unknown = names.filter((n) => !(BASE_VERIFIERS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new UserError(`unknown verifier${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; ${valid}`, 2);
  }
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) throw new UserError(`verifier '${repeated[0]}' is listed more than once in '${s}'`, 2);
  return names as BaseVerifierName[];
}

/**
 * The name of a verifier run by another model than the run's (cross-verification, the paper's
 * gap(f, g)): the verifier and the model, e.g. `mc@qwen2.5-72b`. Records and selectors use it.
 */
export function crossVerifierName(base: BaseVerifierName, modelSpec: string): string {
  return `${base}@${modelSlug(modelLabel(parseModelSpec(modelSpec)))}`;
}

/**
 * The verifiers `bases` run by `verifierModel` in a run of `model`, as run.json records them: when
 * `verifierModel` is another model than `model`, cross-verifier names and the `verifierModels`
 * entries that send them to it (its canonical spec); when it is the same model or absent, the plain
 * names (self-verification) and no entries.
 */
export function verifiersRunBy(bases: readonly BaseVerifierName[], model: string, verifierModel: string | undefined): { verifiers: string[]; verifierModels?: Record<string, string> } {
  const other = verifierModel === undefined ? undefined : canonicalModelSpec(verifierModel);
  if (other === undefined || other === canonicalModelSpec(model)) return { verifiers: [...bases] };
  const verifiers = bases.map((base) => crossVerifierName(base, other));
  return { verifiers, verifierModels: Object.fromEntries(verifiers.map((name) => [name, other])) };
}

/**
 * run.json `verifications` for K draws of each of these verifiers (names as records carry them);
 * undefined for K = 1. A verifier that cannot draw several, or a verifier temperature of 0, is a
 * usage error naming it (draws.ts). The CLI's --verifications and the extension's run flow alike.
 */
export function runVerifications(verifiers: readonly string[], k: number, verifierTemperature: number): Record<string, number> | undefined {
  const refusal = verificationsRefusal(verifiers.map(baseVerifierOf), k, verifierTemperature);
  if (refusal !== null) throw new UserError(refusal, 2);
  return k === 1 ? undefined : Object.fromEntries(verifiers.map((name) => [name, k]));
}

/** The verifier a (possibly cross-model, possibly template-versioned) verifier name runs: `mc@big` → `mc`, `cot-score#v2` → `cot-score`. */
export function baseVerifierOf(name: string): BaseVerifierName {
  const base = name.split(/[@#]/)[0] ?? '';
  if (!(BASE_VERIFIERS as readonly string[]).includes(base)) throw new UserError(`"${name}" is not a verifier name: it must start with one of ${BASE_VERIFIERS.join(', ')}`);
  return base as BaseVerifierName;
}

/** `verifier` asking `backend` instead of the run's model, its records named `name`; a task's calls on one of its endpoints. */
export function onModel(verifier: Verifier, name: string, backend: ModelBackend): Verifier {
  return named({ ...verifier, verifyTask: (task, samples, ctx) => verifier.verifyTask(task, samples, { ...ctx, backend: backend.forTask?.() ?? backend }) }, name);
}

/** `verifier` with its records named `name` (a cross-model or template-versioned name: `mc@big`, `cot-score#v2`). */
export function named(verifier: Verifier, name: string): Verifier {
  return {
    name,
    judgesTheGroup: verifier.judgesTheGroup,
    verifyTask: async (task, samples, ctx) => (await verifier.verifyTask(task, samples, ctx)).map((outcome) => ({ ...outcome, verifier: name })),
  };
}
