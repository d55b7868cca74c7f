// Parses the `--model` argument / a model profile into a backend description.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../util/errors';

/**
 * An HTTP endpoint is `backend: 'openai'` whoever serves it; `provider` says how it is addressed:
 * 'openai' for any OpenAI-compatible server (`model` at each of `baseUrls`), 'azure' for an Azure
 * OpenAI deployment (`model` is the deployment name, `baseUrls` resource endpoints, `apiVersion` the
 * data-plane API version when the spec names one with `?api-version=…`, as Azure's own target URIs
 * do). Several base URLs are several servers of one model (docs/run-format.md, "Several endpoints").
 */
export type ModelSpec =
  | { backend: 'llama'; modelPath: string }
  | { backend: 'llama'; defaultModel: true }
  | { backend: 'openai'; provider: 'openai' | 'azure'; model: string; baseUrls: [string, ...string[]]; apiVersion?: string };

const USAGE =
  'use llama:PATH.gguf, llama:default, openai:MODEL@BASE_URL (e.g. openai:qwen2.5-7b@http://127.0.0.1:8000/v1; several servers of one model: ' +
  'openai:MODEL@URL1,URL2) or azure:DEPLOYMENT@https://RESOURCE.openai.azure.com[?api-version=YYYY-MM-DD]';

/** Azure's dated API versions: 2024-10-21, 2025-04-01-preview. */
export const AZURE_API_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** `option`: the flag or setting the text came from, as error messages name it. */
export function parseModelSpec(text: string, option = '--model'): ModelSpec {
  const colon = text.indexOf(':');
  const scheme = colon < 0 ? '' : text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (scheme === 'llama' && rest === 'default') return { backend: 'llama', defaultModel: true };
  if (scheme === 'llama' && rest.length > 0) return { backend: 'llama', modelPath: rest };
  if (scheme === 'openai' || scheme === 'azure') {
    const at = rest.lastIndexOf('@');
    const model = rest.slice(0, at);
    const [list = '', query] = rest.slice(at + 1).split('?', 2);
    // A comma starts another URL only where one begins: a comma inside a URL stays in it.
    const [first, ...others] = list.split(/,(?=https?:\/\/)/).map((url) => url.replace(/\/+$/, ''));
    const urls: [string, ...string[]] = [first ?? '', ...others];
    // A trailing comma is a list cut short, not part of a URL.
    if (at > 0 && urls.every((url) => /^https?:\/\/[^\s?#]*[^\s?#,]$/.test(url))) {
      const repeated = urls.find((url, i) => urls.indexOf(url) !== i);
      if (repeated !== undefined) throw new UserError(`${option} '${text}' lists the endpoint ${repeated} twice; name each server of the model once`, 2);
      const spec = { backend: 'openai', provider: scheme, model, baseUrls: urls } as const;
      if (query === undefined) return spec;
      const apiVersion = /^api-version=(.+)$/.exec(query)?.[1];
      if (scheme === 'azure' && apiVersion !== undefined && AZURE_API_VERSION.test(apiVersion)) return { ...spec, apiVersion };
      throw new UserError(`${option} '${text}': the only query a model spec takes is an Azure ?api-version=YYYY-MM-DD (got ?${query})`, 2);
    }
  }
  throw new UserError(`${option} '${text}' is not a model spec: ${USAGE}`, 2);
}

/** A short human name for the model: run ids, tree items, status text. */
export function modelLabel(spec: ModelSpec): string {
  if (spec.backend === 'openai') return spec.model;
  return 'defaultModel' in spec ? 'llama-default' : spec.modelPath;
}

/**
 * The spec as a run stores it: a GGUF path made absolute against `cwd`, so the run can be resumed
 * or re-verified from any folder. Other specs are returned as parsed (base URLs without their
 * trailing slash, in the order given).
 */
export function canonicalModelSpec(text: string, cwd: string = process.cwd()): string {
  const spec = parseModelSpec(text);
  if (spec.backend === 'openai') return `${spec.provider}:${spec.model}@${spec.baseUrls.join(',')}${spec.apiVersion ? `?api-version=${spec.apiVersion}` : ''}`;
  if ('defaultModel' in spec) return 'llama:default';
  return `llama:${isAbsolute(spec.modelPath) ? spec.modelPath : resolve(cwd, spec.modelPath)}`;
}

/** A usage error (exit 2) unless the spec's model file exists; endpoints are only known to exist once asked. */
export function checkModelFile(text: string, option = '--model'): void {
  const spec = parseModelSpec(text, option);
  if (spec.backend !== 'llama' || 'defaultModel' in spec) return;
  let isFile = false;
  try {
    isFile = statSync(spec.modelPath).isFile();
  } catch {
    // missing: said below
  }
  if (!isFile) throw new UserError(`${option}: the llama model file ${spec.modelPath} does not exist; pass llama:PATH to a .gguf file, or llama:default`, 2);
}

/**
 * Whether two specs name the same model: for endpoints, the same provider and model (deployment)
 * name, whichever servers they list — the endpoints only decide where the calls go (a resume may
 * change them); otherwise the same canonical spec.
 */
export function sameModel(a: string, b: string, cwd: string = process.cwd()): boolean {
  const x = parseModelSpec(a);
  const y = parseModelSpec(b);
  if (x.backend === 'openai' && y.backend === 'openai') return x.provider === y.provider && x.model === y.model;
  return canonicalModelSpec(a, cwd) === canonicalModelSpec(b, cwd);
}

/** The origins (scheme, host, port) an endpoint spec sends requests to, each once; none for embedded models. */
export function endpointOrigins(text: string): string[] {
  const spec = parseModelSpec(text);
  return spec.backend === 'openai' ? [...new Set(spec.baseUrls.map((url) => new URL(url).origin))] : [];
}

const MAX_SLUG_LENGTH = 40;

/**
 * A model name or path as a short lower-case name safe in file and verifier names. A model is a
 * name ("Qwen/Qwen2.5-7B-Instruct") or a GGUF path; its last path part names it.
 */
export function modelSlug(model: string): string {
  const base = model.split(/[\\/]/).filter((part) => part !== '').pop() ?? '';
  const slug = base
    .replace(/\.gguf$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._]+/g, '-')
    .slice(0, MAX_SLUG_LENGTH)
    // Windows rejects names ending in '.'; leading or trailing '-' only look broken.
    .replace(/^[-.]+|[-.]+$/g, '');
  return slug === '' ? 'model' : slug;
}
