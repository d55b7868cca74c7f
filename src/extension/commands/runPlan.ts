// What `Run Gap Check…` asks, in order: task source, model profile, N, verifiers, the model that
// verifies (when another profile could), filter. The item lists are built by pure functions; the
// flow runs against the Prompter interface.
import { basename } from 'node:path';
import { parseFilter } from '../../core/filter/parse';
import { canonicalModelSpec } from '../../core/llm/modelSpec';
import type { RunConfig } from '../../core/runs/records';
import type { GraderName } from '../../core/tasks/task';
import { UserError } from '../../core/util/errors';
import { verifiersRunBy } from '../../core/verify/index';
import { BASE_VERIFIERS, type BaseVerifierName } from '../../core/verify/verifier';
import { modelSpecOf, type GapLensSettings, type ModelProfile } from '../config/settings';
import type { PickEntry, Prompter } from '../ui/prompter';

/** A task file the user can pick: absolute path plus how to show it (workspace-relative). */
export interface TaskFileRef {
  path: string;
  label: string;
}

export interface BuiltinRef {
  name: string;
  description: string;
}

export type TaskSourceChoice = { kind: 'builtin'; name: string } | { kind: 'file'; path: string } | { kind: 'browse' };

export interface RunPlan {
  /** `builtin:…` or an absolute task file path, as RunConfig.tasks. */
  tasks: string;
  limit?: number;
  profile: ModelProfile;
  n: number;
  verifiers: BaseVerifierName[];
  /** The spec of another model that runs the verifiers (cross-verification); absent: the profile's own model verifies. */
  verifierModel?: string;
  filter: string;
  /** How the calls are sent: online, or through the OpenAI Batch API (docs/batch.md). */
  executor: 'online' | 'batch';
}

export interface RunPlanContext {
  settings: GapLensSettings;
  builtins: readonly BuiltinRef[];
  workspaceFiles: TaskFileRef[];
  /** The task file in the active editor, if any. */
  activeFile?: TaskFileRef;
  /** Skip the task source question (e.g. invoked on a task file). */
  presetTasks?: string;
  /** Name of the profile used last, offered first. */
  lastProfile?: string;
}

const TITLE = 'Gap Lens: Run Gap Check';

export const VERIFIER_DESCRIPTIONS: Record<BaseVerifierName, string> = {
  mc: 'p("Correct") of the next token: one short call per sample',
  'cot-binary': 'reasons step by step, then says Correct or Incorrect',
  'cot-score': 'reasons step by step, then scores 1–10',
  tournament: 'pairwise matches between the samples of a task',
};

/** The open task file first, then the workspace's task files, the built-in sets, and "Browse…". */
export function taskSourceEntries(builtins: readonly BuiltinRef[], files: readonly TaskFileRef[], active: TaskFileRef | undefined): PickEntry<TaskSourceChoice>[] {
  const entries: PickEntry<TaskSourceChoice>[] = [];
  if (active) {
    entries.push({ separator: 'Open task file' }, { label: `$(file) ${basename(active.path)}`, description: active.label, value: { kind: 'file', path: active.path } });
  }
  const others = files.filter((f) => f.path !== active?.path);
  if (others.length > 0) {
    entries.push({ separator: 'Workspace' });
    for (const f of others) entries.push({ label: `$(file) ${basename(f.path)}`, description: f.label, value: { kind: 'file', path: f.path } });
  }
  entries.push({ separator: 'Built-in sets' });
  for (const b of builtins) entries.push({ label: `$(beaker) ${b.name}`, detail: b.description, value: { kind: 'builtin', name: b.name } });
  entries.push({ separator: '' }, { label: '$(folder-opened) Browse…', description: 'a .jsonl or .csv task file anywhere', value: { kind: 'browse' } });
  return entries;
}

export const BUILTIN_LIMITS = [10, 20, 50] as const;

/** How many tasks of a built-in set: a few first, since each task costs N generations plus verifications. */
export function limitEntries(n: number, verifiers: number): PickEntry<number | null>[] {
  const calls = (tasks: number): string => `${tasks * n * (1 + verifiers)} model calls`;
  return [
    ...BUILTIN_LIMITS.map((k) => ({ label: `First ${k} tasks`, description: calls(k), value: k })),
    { label: 'All tasks', description: 'every task of the set', value: null },
  ];
}

/** The profiles, the one used last first. */
export function profileEntries(profiles: readonly ModelProfile[], lastProfile: string | undefined): PickEntry<ModelProfile>[] {
  const ordered = [...profiles].sort((a, b) => Number(b.name === lastProfile) - Number(a.name === lastProfile));
  return ordered.map((p) => ({ label: p.name, description: profileDescription(p), value: p }));
}

export function profileDescription(p: ModelProfile): string {
  if (p.backend === 'openai') return `${p.model} at ${p.baseUrls.join(', ')} (${p.api})`;
  return p.modelPath === null ? 'embedded llama.cpp, default model (downloaded once)' : `embedded llama.cpp, ${basename(p.modelPath)}`;
}

export function verifierEntries(defaults: readonly BaseVerifierName[]): PickEntry<BaseVerifierName>[] {
  return BASE_VERIFIERS.map((v) => ({ label: v, description: VERIFIER_DESCRIPTIONS[v], picked: defaults.includes(v), value: v }));
}

const FILTER_CHOICES: readonly { filter: string; what: string }[] = [
  { filter: 'quantile:0.8', what: 'keep each task\'s top 20 % by score' },
  { filter: 'quantile:0.5', what: 'keep each task\'s top half' },
  { filter: 'threshold:0.5', what: 'keep samples scored ≥ 0.5' },
  { filter: 'topk:1', what: 'keep each task\'s best sample' },
];

/** How an openai profile's run sends its calls: the profile's choice first. */
export function executorEntries(profile: ModelProfile): PickEntry<'online' | 'batch'>[] {
  const entries: PickEntry<'online' | 'batch'>[] = [
    { label: 'Online', description: 'each call when it is made: results as they come', value: 'online' },
    { label: 'OpenAI Batch API', description: 'in phases (generation, then the verifiers): half price on OpenAI, each phase within 24 h', value: 'batch' },
  ];
  return profile.backend === 'openai' && profile.executor === 'batch' ? entries.reverse() : entries;
}

/** The default filter first; "Custom…" (value null) last. */
export function filterEntries(defaultFilter: string): PickEntry<string | null>[] {
  const known = FILTER_CHOICES.find((c) => c.filter === defaultFilter);
  const first = { label: defaultFilter, description: known ? `${known.what} (default)` : 'default', value: defaultFilter };
  const rest = FILTER_CHOICES.filter((c) => c.filter !== defaultFilter).map((c) => ({ label: c.filter, description: c.what, value: c.filter }));
  return [first, ...rest, { label: 'Custom…', description: 'quantile:q, threshold:τ, topk:k or exp:β', value: null }];
}

export function validateSampleCount(text: string): string | undefined {
  const n = Number(text.trim());
  return /^\d+$/.test(text.trim()) && n >= 1 && n <= 100_000 ? undefined : 'a whole number from 1 to 100000';
}

export function validateFilter(text: string): string | undefined {
  try {
    parseFilter(text);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Asks everything a new run needs; undefined when the user cancels any question. */
export async function askRunPlan(prompter: Prompter, ctx: RunPlanContext): Promise<RunPlan | undefined> {
  const { settings } = ctx;
  const tasks = ctx.presetTasks ?? (await askTaskSource(prompter, ctx));
  if (tasks === undefined) return undefined;
  if (settings.profiles.length === 0) throw new UserError('no model profiles: add one in Settings (gaplens.modelProfiles)');
  const profile = await prompter.pickOne(profileEntries(settings.profiles, ctx.lastProfile), { title: TITLE, placeholder: 'Model profile' });
  if (!profile) return undefined;
  // An embedded model has no batch API.
  const executor = profile.backend === 'openai' ? await prompter.pickOne(executorEntries(profile), { title: TITLE, placeholder: 'How are the calls sent?' }) : 'online';
  if (!executor) return undefined;
  const nText = await prompter.input({ title: TITLE, prompt: 'Samples per task (N)', value: String(settings.samplesPerTask), validate: validateSampleCount });
  if (nText === undefined) return undefined;
  const n = Number(nText.trim());
  const verifiers = await askVerifiers(prompter, settings.defaultVerifiers);
  if (!verifiers) return undefined;
  const verifierModel = await askVerifierModel(prompter, settings.profiles, { model: modelSpecOf(profile), api: profile.api }, TITLE);
  if (verifierModel === undefined) return undefined;
  let limit: number | undefined;
  if (tasks.startsWith('builtin:')) {
    const picked = await prompter.pickOne(limitEntries(n, verifiers.length), { title: TITLE, placeholder: `How many tasks of ${tasks}?` });
    if (picked === undefined) return undefined;
    if (picked !== null) limit = picked;
  }
  const filter = await askFilter(prompter, settings.defaultFilter, TITLE);
  if (filter === undefined) return undefined;
  return { tasks, ...(limit !== undefined ? { limit } : {}), profile, n, verifiers, ...(verifierModel !== null ? { verifierModel } : {}), filter, executor };
}

async function askTaskSource(prompter: Prompter, ctx: RunPlanContext): Promise<string | undefined> {
  const choice = await prompter.pickOne(taskSourceEntries(ctx.builtins, ctx.workspaceFiles, ctx.activeFile), { title: TITLE, placeholder: 'Which tasks?' });
  if (!choice) return undefined;
  if (choice.kind === 'builtin') return choice.name;
  if (choice.kind === 'file') return choice.path;
  return prompter.openPath({ title: TITLE, openLabel: 'Use these tasks', folders: false, filters: { 'Task files': ['jsonl', 'csv'] } });
}

export async function askVerifiers(prompter: Prompter, defaults: readonly BaseVerifierName[], exclude: readonly string[] = []): Promise<BaseVerifierName[] | undefined> {
  const entries = verifierEntries(defaults).filter((e) => !('value' in e) || !exclude.includes(e.value));
  if (entries.length === 0) throw new UserError('every verifier has already been run on this run');
  const picked = await prompter.pickMany(entries, { title: 'Gap Lens: Verifiers', placeholder: 'Which verifiers judge the samples? (one or more)' });
  if (picked === undefined) return undefined;
  if (picked.length === 0) throw new UserError('no verifier picked: a gap check needs at least one verifier');
  return picked;
}

/**
 * The model that verifies a run of `generator`: "Same model" first (null), then the other profiles
 * whose calls the run can make — the run asks every model in its own API flavour, so an openai
 * profile of the other flavour is left out, and said so. Not asked (null) when no other profile can.
 */
export function verifierModelEntries(profiles: readonly ModelProfile[], generator: Pick<RunConfig, 'model' | 'api'>): PickEntry<string | null>[] {
  const own = canonicalModelSpec(generator.model);
  const others = profiles.filter((p) => canonicalModelSpec(modelSpecOf(p)) !== own);
  const usable = others.filter((p) => p.backend === 'llama' || p.api === generator.api);
  const leftOut = others.filter((p) => !usable.includes(p));
  if (usable.length === 0) return [];
  const note = leftOut.length > 0 ? ` (not offered: ${leftOut.map((p) => p.name).join(', ')}, as this run calls every model with the ${generator.api} API)` : '';
  return [
    { label: 'Same model (self-verification)', description: 'the model verifies its own samples: gap(f, f)', value: null },
    { separator: `Another model verifies (cross-verification): gap(f, g)${note}` },
    ...usable.map((p) => ({ label: p.name, description: profileDescription(p), value: canonicalModelSpec(modelSpecOf(p)) })),
  ];
}

/** The spec of the model that verifies, null for the generator itself, undefined when the user cancels. */
export async function askVerifierModel(prompter: Prompter, profiles: readonly ModelProfile[], generator: Pick<RunConfig, 'model' | 'api'>, title: string): Promise<string | null | undefined> {
  const entries = verifierModelEntries(profiles, generator);
  if (entries.length === 0) return null;
  return prompter.pickOne(entries, { title, placeholder: 'Which model verifies the samples?' });
}

export async function askFilter(prompter: Prompter, defaultFilter: string, title: string): Promise<string | undefined> {
  const picked = await prompter.pickOne(filterEntries(defaultFilter), { title, placeholder: 'Filter: which samples the verifier keeps' });
  if (picked === undefined) return undefined;
  if (picked !== null) return picked;
  const custom = await prompter.input({ title, prompt: 'Filter', value: defaultFilter, placeholder: 'quantile:0.8', validate: validateFilter });
  return custom?.trim();
}

/** The run.json config of a plan, with the sampling settings from the user's settings. */
export function runConfigOf(plan: RunPlan, settings: GapLensSettings): RunConfig {
  return {
    tasks: plan.tasks,
    ...(plan.limit !== undefined ? { limit: plan.limit } : {}),
    model: modelSpecOf(plan.profile),
    api: plan.profile.api,
    n: plan.n,
    ...verifiersRunBy(plan.verifiers, modelSpecOf(plan.profile), plan.verifierModel),
    filter: plan.filter,
    temperature: settings.temperature,
    topP: settings.topP,
    maxTokens: settings.maxTokens,
    verifierTemperature: settings.verifierTemperature,
    verifierMaxTokens: settings.verifierMaxTokens,
    seed: settings.seed,
    concurrency: plan.profile.maxConcurrency,
  };
}

/** How Check Selection compares answers, most common first. */
export function graderEntries(): PickEntry<GraderName>[] {
  return [
    { label: 'numeric', description: 'the answer is a number (GSM8K style)', value: 'numeric' },
    { label: 'math', description: 'a math expression, compared symbolically (LaTeX)', value: 'math' },
    { label: 'nq', description: 'a short text answer, compared after normalization (NQ style)', value: 'nq' },
    { label: 'exact', description: 'the whole output, verbatim', value: 'exact' },
    { label: 'sudoku', description: 'a 4×4 Sudoku grid', value: 'sudoku' },
  ];
}
