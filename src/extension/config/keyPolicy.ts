// Which models a run folder may make the extension call, and with whose key (docs/run-format.md,
// "Keys"). A run folder — perhaps received with a repository — names its models in run.json; only
// the user's own (user-level) model profiles are the user's word. Pure: no 'vscode'.
import { canonicalModelSpec, endpointOrigins } from '../../core/llm/modelSpec';
import { UserError } from '../../core/util/errors';
import { modelSpecOf, type ModelProfile } from './settings';

/** The endpoint origins of `models` that no user-level profile names: a key goes there only if the user says so. */
export function originsToConfirm(models: readonly string[], userProfiles: readonly ModelProfile[]): string[] {
  const named = new Set(userProfiles.flatMap((p) => endpointOrigins(modelSpecOf(p))));
  const origins = models.flatMap(endpointOrigins).filter((o) => !named.has(o));
  return [...new Set(origins)];
}

/**
 * In Restricted Mode a run folder from the workspace may only run models of the user's own
 * profiles (a workspace is not trusted to choose endpoints or model files); the message says
 * which model is not one, or null when all are.
 */
export function restrictedModeRefusal(dir: string, models: readonly string[], userProfiles: readonly ModelProfile[]): string | null {
  const allowed = new Set(userProfiles.map((p) => canonicalModelSpec(modelSpecOf(p))));
  const foreign = models.filter((m) => !allowed.has(canonicalModelSpec(m)));
  if (foreign.length === 0) return null;
  return (
    `${dir} runs ${foreign.join(', ')}, which no model profile in your user settings names. ` +
    'In Restricted Mode, Gap Lens runs a run folder only with models of your user-level profiles: trust the workspace, or add a profile for that model to your user settings (gaplens.modelProfiles).'
  );
}

/**
 * The one key a model's servers get: a model sends one key to all of them, and a key goes only to
 * the origins it is stored for, so every server's origin must hold the same key (or none).
 */
export function sharedKey(model: string, stored: readonly { origin: string; key: string | undefined }[]): string | undefined {
  const first = stored[0]?.key;
  if (stored.every((s) => s.key === first)) return first;
  const alike = stored.filter((s) => s.key === first).map((s) => s.origin);
  const unlike = stored.filter((s) => s.key !== first).map((s) => s.origin);
  throw new UserError(
    `The servers of ${model} do not share one API key (${alike.join(', ')}: ${first === undefined ? 'no key' : 'one key'}; ${unlike.join(', ')}: ${first === undefined ? 'a key' : 'another key or none'}); ` +
      'a model sends one key to all its servers: store the same key for each with "Gap Lens: Set API Key…", or remove them.',
  );
}
