// The gaplens.* settings, read through a getter and validated before use, so a typo in
// settings.json becomes a message naming the setting instead of a failed run. Pure: no 'vscode'.
import { isAbsolute, resolve } from 'node:path';
import { RUN_DEFAULTS } from '../../core/config/runRules';
import { DEFAULT_RUNS_FOLDER, runsFolderSetting } from '../../core/config/runsRoot';
import { parseFilter } from '../../core/filter/parse';
import { AZURE_API_VERSION } from '../../core/llm/modelSpec';
import { UserError } from '../../core/util/errors';
import { isPlainObject } from '../../core/util/plainObject';
import { shownValue } from '../../core/util/shownValue';
import { BASE_VERIFIERS, type BaseVerifierName } from '../../core/verify/verifier';
import { MAX_VERIFICATIONS } from '../../core/verify/draws';

export type ApiStyle = 'chat' | 'completions';

interface ProfileCommon {
  name: string;
  maxConcurrency: number;
  /** Pre-training compute, for the relative gap vs log FLOPs plot. */
  pretrainingFlops?: number;
}
export interface OpenAIProfile extends ProfileCommon {
  backend: 'openai';
  /** 'azure': an Azure OpenAI deployment (`model` is the deployment name, `baseUrls` resource endpoints). */
  provider: 'openai' | 'azure';
  /** Azure only: the data-plane API version; absent, core's default (docs: providers). */
  apiVersion?: string;
  /** The servers of the model (`baseUrl`, or several in `baseUrls`), each without a trailing slash. */
  baseUrls: [string, ...string[]];
  model: string;
  api: ApiStyle;
  /** 'batch': the run flow offers the OpenAI Batch API first (docs/batch.md); absent: online first. */
  executor?: 'batch';
}
export interface LlamaProfile extends ProfileCommon {
  backend: 'llama';
  /** Absolute path of a GGUF file; null means the default model (`llama:default`). */
  modelPath: string | null;
  api: 'completions';
}
export type ModelProfile = OpenAIProfile | LlamaProfile;

export interface GapLensSettings {
  profiles: ModelProfile[];
  samplesPerTask: number;
  temperature: number;
  topP: number;
  maxTokens: number;
  verifierTemperature: number;
  verifierMaxTokens: number;
  /** K verifications per sample offered first for verifiers that can draw several (docs/statistics.md, "Verification compute"). */
  verificationsPerSample: number;
  seed: number;
  defaultVerifiers: BaseVerifierName[];
  defaultFilter: string;
  /** As written in the setting; see core's resolveRunsRoot. */
  runsFolder: string;
  /** Stop a run cleanly once one execution has spent this much, in the pricing file's currency (docs/cost.md); null: no limit. */
  costLimit: number | null;
  /** A run that took at least this many seconds notifies when it completes, with Open (0: every run). */
  notifyLongRunSeconds: number;
}

/** Reads one `gaplens.<key>` value as configured (undefined when unset). */
export type SettingGetter = (key: string) => unknown;

/** The settings' defaults: a run's are core's (RUN_DEFAULTS), as for the CLI. */
export const SETTING_DEFAULTS = {
  samplesPerTask: RUN_DEFAULTS.n,
  temperature: RUN_DEFAULTS.temperature,
  topP: RUN_DEFAULTS.topP,
  maxTokens: RUN_DEFAULTS.maxTokens,
  verifierTemperature: RUN_DEFAULTS.verifierTemperature,
  verifierMaxTokens: RUN_DEFAULTS.verifierMaxTokens,
  // One verification each, as a run without --verifications.
  verificationsPerSample: 1,
  seed: RUN_DEFAULTS.seed,
  defaultVerifiers: [...RUN_DEFAULTS.verifiers] as BaseVerifierName[],
  defaultFilter: RUN_DEFAULTS.filter,
  runsFolder: DEFAULT_RUNS_FOLDER,
  notifyLongRunSeconds: 30,
};

export const DEFAULT_PROFILES: ModelProfile[] = [{ name: 'Embedded model (llama:default)', backend: 'llama', modelPath: null, api: 'completions', maxConcurrency: 2 }];

const DEFAULT_CONCURRENCY = { openai: 8, llama: 2 } as const;
// A key pasted into a profile would be synced, shared and committed with the settings file.
const CREDENTIAL_KEY = /^(api[-_]?key|key|token|access[-_]?token|secret|password|authorization)$/i;
const PROFILE_KEYS = new Set(['name', 'backend', 'provider', 'apiVersion', 'baseUrl', 'baseUrls', 'model', 'api', 'executor', 'maxConcurrency', 'pretrainingFlops', 'modelPath']);

/**
 * Collects every problem with the setting it is about, so one message lists all of them and a read
 * can refuse only for the settings it uses: one bad model profile must not stop the runs tree.
 */
export class Problems {
  private readonly found: { setting: string; text: string }[] = [];

  /** `setting`: the key after "gaplens.", e.g. `temperature` or `modelProfiles[2]`; the message names it. */
  add(setting: string, message: string): void {
    this.found.push({ setting: setting.replace(/\[.*$/, ''), text: `"gaplens.${setting}" ${message}` });
  }

  /** The problems of the settings `keys` (of every setting when not given), one line each. */
  of(keys?: readonly string[]): string[] {
    return this.found.filter((p) => keys === undefined || keys.includes(p.setting)).map((p) => p.text);
  }

  /** Throws one UserError listing every problem of `keys` (of every setting when not given) and what to write instead; nothing when there is none. */
  throwIfAny(keys?: readonly string[]): void {
    const list = this.of(keys);
    if (list.length === 0) return;
    const plural = list.length > 1;
    throw new UserError(`Gap Lens setting${plural ? 's are' : ' is'} invalid; fix ${plural ? 'them' : 'it'} in Settings (gaplens.*):\n${list.join('\n')}`);
  }
}

/** What reading the settings found: every valid value, and what is wrong with the others. */
export interface SettingsReading {
  /** Each invalid setting at its default; each invalid model profile left out. */
  settings: GapLensSettings;
  problems: Problems;
}

/** The setting of the model profiles: a problem there leaves out one profile and stops nothing else. */
export const PROFILES_SETTING = 'modelProfiles';

/**
 * Validates every gaplens.* setting, each on its own (`workspaceRoot` anchors relative model paths):
 * an invalid value reads as its default and an invalid profile is left out, each with its problem.
 */
export function inspectSettings(get: SettingGetter, workspaceRoot: string | undefined): SettingsReading {
  const problems = new Problems();
  const num = (key: keyof typeof SETTING_DEFAULTS, check: NumberCheck): number => readNumber(get(key), SETTING_DEFAULTS[key] as number, check, (m) => problems.add(key, m));
  const settings: GapLensSettings = {
    profiles: readProfiles(get(PROFILES_SETTING), workspaceRoot, problems),
    samplesPerTask: num('samplesPerTask', { integer: true, min: 1, max: 100_000 }),
    temperature: num('temperature', { min: 0, max: 5 }),
    topP: num('topP', { min: 0, max: 1, minExclusive: true }),
    maxTokens: num('maxTokens', { integer: true, min: 1 }),
    verifierTemperature: num('verifierTemperature', { min: 0, max: 5 }),
    verifierMaxTokens: num('verifierMaxTokens', { integer: true, min: 1 }),
    verificationsPerSample: num('verificationsPerSample', { integer: true, min: 1, max: MAX_VERIFICATIONS }),
    seed: num('seed', { integer: true, min: 0 }),
    defaultVerifiers: readVerifiers(get('defaultVerifiers'), problems),
    defaultFilter: readFilter(get('defaultFilter'), problems),
    runsFolder: readRunsFolder(get('runsFolder'), problems),
    costLimit: readCostLimit(get('costLimit'), problems),
    notifyLongRunSeconds: num('notifyLongRunSeconds', { min: 0 }),
  };
  return { settings, problems };
}

/** Every gaplens.* setting, all valid: throws one UserError listing every problem (for what Gap Lens writes itself, e.g. a new profile). */
export function readSettings(get: SettingGetter, workspaceRoot: string | undefined): GapLensSettings {
  const { settings, problems } = inspectSettings(get, workspaceRoot);
  problems.throwIfAny();
  return settings;
}

export interface NumberCheck {
  integer?: boolean;
  min: number;
  max?: number;
  minExclusive?: boolean;
}

/** `value` when it passes `check`; `fallback` when unset, or when it fails (then `fail` gets what is wrong). */
export function readNumber(value: unknown, fallback: number, check: NumberCheck, fail: (m: string) => void): number {
  if (value === undefined || value === null) return fallback;
  const range = `${check.minExclusive ? `greater than ${check.min}` : `at least ${check.min}`}${check.max !== undefined ? ` and at most ${check.max}` : ''}`;
  const kind = check.integer ? 'a whole number' : 'a number';
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!check.integer || Number.isSafeInteger(value)) &&
    (check.minExclusive ? value > check.min : value >= check.min) &&
    (check.max === undefined || value <= check.max);
  if (!ok) {
    fail(`must be ${kind} ${range} (got ${shownValue(value)})`);
    return fallback;
  }
  return value;
}

function readVerifiers(value: unknown, problems: Problems): BaseVerifierName[] {
  if (value === undefined || value === null) return SETTING_DEFAULTS.defaultVerifiers;
  const valid = `valid verifiers: ${BASE_VERIFIERS.join(', ')}`;
  if (!Array.isArray(value) || value.length === 0) {
    problems.add('defaultVerifiers', `must be a non-empty list such as ["mc", "cot-score"] (got ${shownValue(value)}); ${valid}`);
    return SETTING_DEFAULTS.defaultVerifiers;
  }
  const unknown = value.filter((v) => !(BASE_VERIFIERS as readonly unknown[]).includes(v));
  if (unknown.length > 0) {
    problems.add('defaultVerifiers', `names unknown verifier${unknown.length > 1 ? 's' : ''} ${unknown.map((v) => shownValue(v)).join(', ')}; ${valid}`);
    return SETTING_DEFAULTS.defaultVerifiers;
  }
  return [...new Set(value as BaseVerifierName[])];
}

function readFilter(value: unknown, problems: Problems): string {
  if (value === undefined || value === null) return SETTING_DEFAULTS.defaultFilter;
  if (typeof value !== 'string') {
    problems.add('defaultFilter', `must be a string such as "quantile:0.8" (got ${shownValue(value)})`);
    return SETTING_DEFAULTS.defaultFilter;
  }
  try {
    parseFilter(value);
    return value.trim();
  } catch (err) {
    problems.add('defaultFilter', `is not a filter: ${err instanceof Error ? err.message : String(err)}`);
    return SETTING_DEFAULTS.defaultFilter;
  }
}

function readRunsFolder(value: unknown, problems: Problems): string {
  if (value === undefined || value === null) return SETTING_DEFAULTS.runsFolder;
  const folder = runsFolderSetting(value);
  if (folder === null) problems.add('runsFolder', `must be a folder path such as "${DEFAULT_RUNS_FOLDER}" (got ${shownValue(value)})`);
  return folder ?? SETTING_DEFAULTS.runsFolder;
}

function readCostLimit(value: unknown, problems: Problems): number | null {
  if (value === undefined || value === null) return null;
  // A valid limit is > 0, so the fallback 0 of an invalid one (reported) reads as none.
  return readNumber(value, 0, { min: 0, minExclusive: true }, (m) => problems.add('costLimit', `${m}; leave it empty for no limit`)) || null;
}

function readProfiles(value: unknown, workspaceRoot: string | undefined, problems: Problems): ModelProfile[] {
  if (value === undefined || value === null) return DEFAULT_PROFILES;
  if (!Array.isArray(value)) {
    problems.add('modelProfiles', `must be a list of profiles like [{"name": "local", "backend": "openai", "baseUrl": "http://127.0.0.1:8000/v1", "model": "qwen"}] (got ${shownValue(value)})`);
    return [];
  }
  const profiles: ModelProfile[] = [];
  const firstIndexOfName = new Map<string, number>();
  value.forEach((raw, i) => {
    // Each bad profile is one problem, naming it, with every field that is wrong: it is left out, the others stay.
    const wrong: string[] = [];
    const profile = readProfile(raw, workspaceRoot, (field, message) => wrong.push(field === '' ? `it ${message}` : `"${field}" ${message}`));
    const first = profile ? firstIndexOfName.get(profile.name) : undefined;
    if (profile && first !== undefined) wrong.push(`"name" "${profile.name}" is already the name of modelProfiles[${first}]; names must be unique`);
    if (wrong.length > 0) {
      const name = isPlainObject(raw) && typeof raw.name === 'string' && raw.name.trim() !== '' ? ` (${shownValue(raw.name.trim())})` : '';
      problems.add(`modelProfiles[${i}]`, `${name} is left out: ${wrong.join('; ')}`.trimStart());
      return;
    }
    if (!profile) return;
    firstIndexOfName.set(profile.name, i);
    profiles.push(profile);
  });
  if (value.length === 0) problems.add('modelProfiles', 'is empty: add at least one profile, e.g. {"name": "Embedded model", "backend": "llama"}');
  return profiles;
}

type FieldFail = (field: string, message: string) => void;

function readProfile(raw: unknown, workspaceRoot: string | undefined, fail: FieldFail): ModelProfile | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail('', `must be an object with "name" and "backend" (got ${shownValue(raw)})`);
    return null;
  }
  const p = raw as Record<string, unknown>;
  let valid = true;
  const bad: FieldFail = (field, message) => {
    valid = false;
    fail(field, message);
  };
  for (const key of Object.keys(p)) if (!PROFILE_KEYS.has(key)) bad(key, `is not a profile field; known fields: ${[...PROFILE_KEYS].join(', ')}`);
  if (Object.keys(p).some((k) => CREDENTIAL_KEY.test(k))) {
    bad('', 'must not hold credentials: store the API key with the command "Gap Lens: Set API Key…" (kept in the OS keychain)');
  }
  const name = typeof p.name === 'string' ? p.name.trim() : '';
  if (name === '') bad('name', `must be a non-empty string (got ${shownValue(p.name)})`);
  const backend = p.backend;
  if (backend !== 'openai' && backend !== 'llama') {
    bad('backend', `must be "openai" or "llama" (got ${shownValue(backend)})`);
    return null;
  }
  const maxConcurrency = readNumber(p.maxConcurrency, DEFAULT_CONCURRENCY[backend], { integer: true, min: 1, max: 4096 }, (m) => bad('maxConcurrency', m));
  let pretrainingFlops: number | undefined;
  if (p.pretrainingFlops !== undefined) {
    if (typeof p.pretrainingFlops === 'number' && Number.isFinite(p.pretrainingFlops) && p.pretrainingFlops > 0) pretrainingFlops = p.pretrainingFlops;
    else bad('pretrainingFlops', `must be a positive number of FLOPs such as 1.2e23 (got ${shownValue(p.pretrainingFlops)})`);
  }
  const common = { name, maxConcurrency, ...(pretrainingFlops !== undefined ? { pretrainingFlops } : {}) };

  if (backend === 'openai') {
    for (const field of ['modelPath'] as const) if (p[field] !== undefined) bad(field, 'applies to llama profiles only');
    const baseUrls = readBaseUrls(p, bad);
    const model = typeof p.model === 'string' ? p.model.trim() : '';
    if (model === '') bad('model', `must be the model name the server serves, e.g. "Qwen/Qwen2.5-7B" (got ${shownValue(p.model)})`);
    const api = p.api ?? 'completions';
    if (api !== 'chat' && api !== 'completions') bad('api', `must be "completions" or "chat" (got ${shownValue(api)})`);
    const provider = p.provider ?? 'openai';
    if (provider !== 'openai' && provider !== 'azure') bad('provider', `must be "openai" (any OpenAI-compatible server) or "azure" (an Azure OpenAI deployment) (got ${shownValue(provider)})`);
    const apiVersion = readApiVersion(p.apiVersion, provider === 'azure', (m) => bad('apiVersion', m));
    const executor = p.executor ?? 'online';
    if (executor !== 'online' && executor !== 'batch') bad('executor', `must be "online" (each call when it is made) or "batch" (the OpenAI Batch API) (got ${shownValue(executor)})`);
    return valid && baseUrls ? { ...common, backend, provider: provider as OpenAIProfile['provider'], ...(apiVersion ? { apiVersion } : {}), baseUrls, model, api: api as ApiStyle, ...(executor === 'batch' ? { executor } : {}) } : null;
  }
  for (const field of ['baseUrl', 'baseUrls', 'model', 'provider', 'apiVersion', 'executor'] as const) if (p[field] !== undefined) bad(field, 'applies to openai profiles only');
  if (p.api !== undefined && p.api !== 'completions') bad('api', 'must be "completions" (or left out) for llama profiles: the embedded model completes raw text');
  const modelPath = readModelPath(p.modelPath, workspaceRoot, (m) => bad('modelPath', m));
  return valid ? { ...common, backend, modelPath, api: 'completions' } : null;
}

/** An openai profile's servers: one in `baseUrl`, or several servers of the model in `baseUrls`. */
function readBaseUrls(p: Record<string, unknown>, bad: FieldFail): [string, ...string[]] | null {
  if (p.baseUrls === undefined) return [readBaseUrl(p.baseUrl, (m) => bad('baseUrl', m))];
  if (p.baseUrl !== undefined) {
    bad('baseUrl', 'and "baseUrls" are both set: list every server in "baseUrls"');
    return null;
  }
  const list = p.baseUrls;
  if (!Array.isArray(list) || list.length === 0) {
    bad('baseUrls', `must be a non-empty list of the model's servers, such as ["http://10.0.0.1:8000/v1", "http://10.0.0.2:8000/v1"] (got ${shownValue(list)})`);
    return null;
  }
  const urls = list.map((value, i) => readBaseUrl(value, (m) => bad(`baseUrls[${i}]`, m)));
  const repeated = urls.findIndex((url, i) => url !== '' && urls.indexOf(url) !== i);
  if (repeated >= 0) bad(`baseUrls[${repeated}]`, `repeats ${shownValue(urls[repeated])}: list each server once`);
  return urls as [string, ...string[]];
}

function readBaseUrl(value: unknown, fail: (m: string) => void): string {
  const example = 'such as "http://127.0.0.1:8000/v1"';
  if (typeof value !== 'string' || value.trim() === '') {
    fail(`must be the server's base URL ${example} (got ${shownValue(value)})`);
    return '';
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    fail(`is not a URL: ${shownValue(value)}; write it ${example}`);
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`must be an http:// or https:// URL (got ${shownValue(value)})`);
  // A URL is written into every run.json and log line; credentials in it would leak there.
  else if (url.username !== '' || url.password !== '') fail('must not contain a user name or password: store the key with "Gap Lens: Set API Key…"');
  else if (url.search !== '' || url.hash !== '') fail(`must not have a query or fragment (got ${shownValue(value)})`);
  return value.trim().replace(/\/+$/, '');
}

function readApiVersion(value: unknown, azure: boolean, fail: (m: string) => void): string | undefined {
  if (value === undefined) return undefined;
  if (!azure) fail('applies to "provider": "azure" profiles only');
  else if (typeof value !== 'string' || !AZURE_API_VERSION.test(value)) fail(`must be an Azure OpenAI API version such as "2024-10-21" or "2025-04-01-preview" (got ${shownValue(value)})`);
  else return value;
  return undefined;
}

function readModelPath(value: unknown, workspaceRoot: string | undefined, fail: (m: string) => void): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '') {
    fail(`must be the path of a .gguf file (got ${shownValue(value)}); leave it out to use the default model`);
    return null;
  }
  const path = value.trim();
  if (isAbsolute(path)) return path;
  if (workspaceRoot === undefined) {
    fail(`"${path}" is relative, and there is no workspace folder to resolve it against; give an absolute path`);
    return null;
  }
  return resolve(workspaceRoot, path);
}

/**
 * A profile as written in settings.json: what readSettings reads back as the same profile
 * (defaults left out, so the file says only what the user chose).
 */
export function profileSetting(profile: ModelProfile): Record<string, unknown> {
  const common = {
    name: profile.name,
    backend: profile.backend,
    ...(profile.maxConcurrency !== DEFAULT_CONCURRENCY[profile.backend] ? { maxConcurrency: profile.maxConcurrency } : {}),
    ...(profile.pretrainingFlops !== undefined ? { pretrainingFlops: profile.pretrainingFlops } : {}),
  };
  if (profile.backend === 'llama') return { ...common, ...(profile.modelPath !== null ? { modelPath: profile.modelPath } : {}) };
  const [first, ...more] = profile.baseUrls;
  return {
    ...common,
    ...(profile.provider !== 'openai' ? { provider: profile.provider } : {}),
    ...(profile.apiVersion !== undefined ? { apiVersion: profile.apiVersion } : {}),
    ...(more.length > 0 ? { baseUrls: profile.baseUrls } : { baseUrl: first }),
    model: profile.model,
    ...(profile.api !== 'completions' ? { api: profile.api } : {}),
    ...(profile.executor !== undefined ? { executor: profile.executor } : {}),
  };
}

/** What is wrong with a server base URL typed in, or undefined when a profile can use it. */
export function baseUrlProblem(text: string): string | undefined {
  let problem: string | undefined;
  readBaseUrl(text, (m) => (problem ??= m));
  return problem;
}

/** The settings Restricted Mode ignores in a workspace (package.json "restrictedConfigurations"; a test keeps the two equal). */
export const RESTRICTED_SETTINGS = ['modelProfiles', 'runsFolder', 'costLimit'] as const;

/** What Restricted Mode left out of the workspace's settings: its model profiles, and the other restricted settings it sets. */
export interface IgnoredInRestrictedMode {
  profiles: number;
  settings: string[];
}

/** One line saying what Restricted Mode ignores, or undefined when it ignores nothing. */
export function restrictedNote(ignored: IgnoredInRestrictedMode): string | undefined {
  const parts = [
    ...(ignored.profiles > 0 ? [`${ignored.profiles} workspace model profile${ignored.profiles === 1 ? '' : 's'}`] : []),
    ...ignored.settings.map((key) => `the workspace's gaplens.${key}`),
  ];
  if (parts.length === 0) return undefined;
  const listed = parts.length === 1 ? (parts[0] as string) : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  const plural = parts.length > 1 || ignored.profiles > 1;
  return `Restricted Mode ignores ${listed}; trust the workspace to use ${plural ? 'them' : 'it'}`;
}

/** The `--model` spec the core understands, e.g. `openai:qwen@http://127.0.0.1:8000/v1`. */
export function modelSpecOf(profile: ModelProfile): string {
  if (profile.backend === 'openai') return `${profile.provider}:${profile.model}@${profile.baseUrls.join(',')}${profile.apiVersion ? `?api-version=${profile.apiVersion}` : ''}`;
  return profile.modelPath === null ? 'llama:default' : `llama:${profile.modelPath}`;
}

/**
 * The SecretStorage id of a server's API key. Keys are bound to the server's origin, not to a
 * profile name, so editing a profile to point elsewhere never sends an existing key there.
 */
export function apiKeySecretId(baseUrl: string): string {
  return `gaplens.apiKey:${new URL(baseUrl).origin}`;
}
