// Parses the `--model` argument / a model profile into a backend description.
import { UserError } from '../util/errors';

export type ModelSpec =
  | { backend: 'llama'; modelPath: string }
  | { backend: 'llama'; defaultModel: true }
  | { backend: 'openai'; model: string; baseUrl: string };

const USAGE = 'use llama:PATH.gguf, llama:default, or openai:MODEL@BASE_URL (e.g. openai:qwen2.5-7b@http://127.0.0.1:8000/v1)';

export function parseModelSpec(text: string): ModelSpec {
  const colon = text.indexOf(':');
  const scheme = colon < 0 ? '' : text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (scheme === 'llama' && rest === 'default') return { backend: 'llama', defaultModel: true };
  if (scheme === 'llama' && rest.length > 0) return { backend: 'llama', modelPath: rest };
  if (scheme === 'openai') {
    const at = rest.lastIndexOf('@');
    const model = rest.slice(0, at);
    const baseUrl = rest.slice(at + 1);
    if (at > 0 && /^https?:\/\/[^\s]+$/.test(baseUrl)) return { backend: 'openai', model, baseUrl: baseUrl.replace(/\/+$/, '') };
  }
  throw new UserError(`--model '${text}' is not a model spec: ${USAGE}`, 2);
}

/** A short human name for the model: run ids, tree items, status text. */
export function modelLabel(spec: ModelSpec): string {
  if (spec.backend === 'openai') return spec.model;
  return 'defaultModel' in spec ? 'llama-default' : spec.modelPath;
}
