// Which model generated a run's samples and which verified them: the f and g of the paper's
// gap(f, g) (Def 2.1), read from run.json's `model` and `verifierModels`. Pure and free of Node
// modules, so the panel's webview shows it with the same words as the CLI and the HTML report.
import { runSelector } from '../config/runRules';
import type { RunConfig } from './records';

type ModelConfig = Pick<RunConfig, 'model' | 'verifierModels'>;

/** The model spec that runs verifier `name` of a run: its `verifierModels` entry, else the run's own model. */
export function modelOfVerifier(config: ModelConfig, name: string): string {
  return config.verifierModels?.[name] ?? config.model;
}

/**
 * The model that runs a run's verifiers as it was started (`gaplens run --verifier-model`): the model
 * of its first verifier, since verifiers added later by a re-verify come after those it started with.
 * The run's own model when it has no verifier.
 */
export function runVerifierModel(config: ModelConfig & Pick<RunConfig, 'verifiers'>): string {
  const first = runSelector(config);
  return first === null ? config.model : modelOfVerifier(config, first);
}

/** The generator f and, for each verifier a report reads (one or more), the model g that ran it (model specs). */
export interface GapModels {
  generator: string;
  verifiers: Record<string, string>;
}

export function gapModels(config: ModelConfig, verifierNames: readonly string[]): GapModels {
  return { generator: config.model, verifiers: Object.fromEntries(verifierNames.map((name) => [name, modelOfVerifier(config, name)])) };
}

/**
 * One line naming f and g: `gap(f, f): generator and verifier F (self-verification)` when the
 * generator verified its own samples, else `gap(f, g): generator F, verifier G (cross-verification)`
 * (`verifiers G1, G2` when the report reads verifiers of several models, the generator among them).
 */
export function gapModelsText(models: GapModels): string {
  const judges = [...new Set(Object.values(models.verifiers))];
  if (judges.every((judge) => judge === models.generator)) return `gap(f, f): generator and verifier ${models.generator} (self-verification)`;
  return `gap(f, g): generator ${models.generator}, verifier${judges.length > 1 ? 's' : ''} ${judges.join(', ')} (cross-verification)`;
}
