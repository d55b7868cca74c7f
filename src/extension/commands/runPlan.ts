// What `Run Gap Check…` asks, in order, as one multi-step input (Back, a step counter): task source,
// model profile, executor (endpoints only), N, max tokens, verifiers, the model that verifies (when
// another profile could), verifications per sample (when a verifier picked samples its judgement),
// task limit (built-in sets only), filter. The item lists are built by pure
// functions; the flow runs against the Prompter interface.
import { basename } from 'node:path';
import { parseFilter } from '../../core/filter/parse';
import { canonicalModelSpec } from '../../core/llm/modelSpec';
import type { RunConfig } from '../../core/runs/records';
import type { GraderName } from '../../core/tasks/task';
import { UserError } from '../../core/util/errors';
import { DRAWN_VERIFIERS, MAX_VERIFICATIONS, verificationsRefusal } from '../../core/verify/draws';
import { runVerifications, verifiersRunBy } from '../../core/verify/index';
import { BASE_VERIFIERS, type BaseVerifierName } from '../../core/verify/verifier';
import { modelSpecOf, type GapLensSettings, type ModelProfile } from '../config/settings';
import type { RunChoices } from '../config/runChoices';
import { runSteps, type Step } from '../ui/multiStep';
import { isSeparator, type PickEntry, type Prompter, type StepPosition } from '../ui/prompter';
import type { TaskFileRef } from '../tasks/workspaceTaskFiles';

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
  /** Token limit of each generation. */
  maxTokens: number;
  verifiers: BaseVerifierName[];
  /** The spec of another model that runs the verifiers (cross-verification); absent: the profile's own model verifies. */
  verifierModel?: string;
  /** K verifications per sample (`--verifications K`); absent when not asked (no verifier picked can draw several): one each. */
  verifications?: number;
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
  /** The answers of the last run in this workspace, offered first. */
  remembered?: RunChoices;
  /** Asks for a new profile and saves it ("Add a model profile…"); undefined: not added. */
  addProfile?: () => Promise<ModelProfile | undefined>;
  /** In Restricted Mode: what of the workspace's settings is ignored (shown above the profiles). */
  restrictedNote?: string;
  /** Opens Manage Workspace Trust. */
  manageTrust?: () => void;
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
/** The "Custom…" entry of the task limit question. */
export const CUSTOM_LIMIT = 'custom';

/**
 * How many tasks of a built-in set: a few first, since each task costs N generations plus
 * verifications; the count used last (null: all) first, then "Custom…".
 */
export function limitEntries(n: number, verifications: number, last?: number | null): PickEntry<number | null | typeof CUSTOM_LIMIT>[] {
  // `verifications`: verifier calls per sample.
  const calls = (tasks: number): string => `${tasks * n * (1 + verifications)} model calls`;
  const counts: (number | null)[] = [...BUILTIN_LIMITS, null];
  if (last !== undefined && !counts.includes(last)) counts.push(last);
  const ordered = last === undefined ? counts : [last, ...counts.filter((c) => c !== last)];
  return [
    ...ordered.map((k) => ({
      label: k === null ? 'All tasks' : `First ${k} tasks`,
      description: `${k === null ? 'every task of the set' : calls(k)}${k === last ? ' (last used)' : ''}`,
      value: k,
    })),
    { label: 'Custom…', description: 'another number of tasks', value: CUSTOM_LIMIT },
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

/** How an openai profile's run sends its calls: the choice made last first, else the profile's. */
export function executorEntries(profile: ModelProfile, last?: 'online' | 'batch'): PickEntry<'online' | 'batch'>[] {
  const entries: PickEntry<'online' | 'batch'>[] = [
    { label: 'Online', description: 'each call when it is made: results as they come', value: 'online' },
    { label: 'OpenAI Batch API', description: 'in phases (generation, then the verifiers): half price on OpenAI, each phase within 24 h', value: 'batch' },
  ];
  const first = last ?? (profile.backend === 'openai' ? profile.executor : undefined) ?? 'online';
  return first === 'batch' ? entries.reverse() : entries;
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

function positiveWholeNumber(what: string): (text: string) => string | undefined {
  return (text) => {
    const t = text.trim();
    return /^\d+$/.test(t) && Number.isSafeInteger(Number(t)) && Number(t) >= 1 ? undefined : `a whole number of ${what}, at least 1`;
  };
}
export const validateMaxTokens = positiveWholeNumber('tokens');
export const validateTaskCount = positiveWholeNumber('tasks');

/** Whether the verifications question applies: some verifier picked samples its judgement (cot-score, cot-binary). */
export function canDrawSeveral(verifiers: readonly BaseVerifierName[]): boolean {
  return verifiers.some((v) => DRAWN_VERIFIERS[v] !== undefined);
}

/** K for these verifiers at this verifier temperature, checked as `gaplens run --verifications K` checks it. */
export function validateVerifications(verifiers: readonly BaseVerifierName[], verifierTemperature: number): (text: string) => string | undefined {
  return (text) => {
    const t = text.trim();
    if (!/^\d+$/.test(t)) return `a whole number of verifications per sample, from 1 to ${MAX_VERIFICATIONS}`;
    return verificationsRefusal(verifiers, Number(t), verifierTemperature) ?? undefined;
  };
}

export function validateFilter(text: string): string | undefined {
  try {
    parseFilter(text);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** What the questions of Run Gap Check… have been answered so far. */
interface PlanState {
  tasks?: string;
  profile?: ModelProfile;
  executor?: 'online' | 'batch';
  n?: number;
  maxTokens?: number;
  verifiers?: BaseVerifierName[];
  /** null: the profile's own model verifies. */
  verifierModel?: string | null;
  verifications?: number;
  limit?: number | null;
  filter?: string;
}

/** What the profile question's entries lead to. */
type ProfileChoice = { kind: 'profile'; profile: ModelProfile } | { kind: 'add' } | { kind: 'trust' };

/**
 * The profile question: the Restricted Mode note first (it says why workspace profiles are
 * missing, and leads to Manage Workspace Trust), the profiles, and "Add a model profile…" (when
 * the caller can add one).
 */
export function profileStepEntries(profiles: readonly ModelProfile[], lastProfile: string | undefined, restrictedNote: string | undefined, canAdd = true): PickEntry<ProfileChoice>[] {
  return [
    ...(restrictedNote !== undefined ? [{ label: '$(shield) Manage Workspace Trust…', description: restrictedNote, value: { kind: 'trust' } as const }, { separator: '' }] : []),
    ...profileEntries(profiles, lastProfile).map((e) => (isSeparator(e) ? e : { ...e, value: { kind: 'profile', profile: e.value } as const })),
    ...(canAdd ? [{ separator: '' }, { label: '$(add) Add a model profile…', description: 'a .gguf file on this computer, or an OpenAI-compatible endpoint', value: { kind: 'add' } as const }] : []),
  ];
}

/** The profile question of Run Gap Check… and Check Model…: its words, and what it offers beside the profiles. */
export interface ProfileQuestion extends Pick<RunPlanContext, 'addProfile' | 'restrictedNote' | 'manageTrust'> {
  title: string;
  placeholder: string;
  /** The profile offered first (used last). */
  last?: string;
  step?: StepPosition;
}

/**
 * Asks for a model profile, or to add one (profileStepEntries): a profile added is appended to
 * `profiles` and returned; cancelling the add asks again. Undefined when the user cancels or goes
 * to Manage Workspace Trust.
 */
export async function askProfile(prompter: Prompter, profiles: ModelProfile[], q: ProfileQuestion): Promise<ModelProfile | undefined> {
  for (;;) {
    const choice = await prompter.pickOne(profileStepEntries(profiles, q.last, q.restrictedNote, q.addProfile !== undefined), { title: q.title, placeholder: q.placeholder, ...(q.step ? { step: q.step } : {}) });
    if (choice === undefined) return undefined;
    if (choice.kind === 'profile') return choice.profile;
    if (choice.kind === 'trust') {
      q.manageTrust?.();
      return undefined;
    }
    const added = await q.addProfile?.();
    if (added === undefined) continue;
    profiles.push(added);
    return added;
  }
}

function isBuiltin(tasks: string | undefined): boolean {
  return tasks?.startsWith('builtin:') ?? false;
}

/** Asks everything a new run needs as one multi-step input; undefined when the user cancels. */
export async function askRunPlan(prompter: Prompter, ctx: RunPlanContext): Promise<RunPlan | undefined> {
  const { settings } = ctx;
  const remembered = ctx.remembered ?? {};
  // A profile added on the way joins the list the verifier model is chosen from.
  const profiles = [...settings.profiles];
  if (profiles.length === 0 && !ctx.addProfile) throw new UserError('no model profiles: add one in Settings (gaplens.modelProfiles)');
  const verifierModels = (s: PlanState): PickEntry<string | null>[] => (s.profile ? verifierModelEntries(profiles, { model: modelSpecOf(s.profile), api: s.profile.api }) : []);
  const steps: Step<PlanState>[] = [
    {
      applies: () => ctx.presetTasks === undefined,
      ask: async (s, step) => {
        const tasks = await askTaskSource(prompter, ctx, step);
        return tasks === undefined ? undefined : { ...s, tasks };
      },
    },
    {
      ask: async (s, step) => {
        const profile = await askProfile(prompter, profiles, { ...ctx, title: TITLE, placeholder: 'Model profile', last: s.profile?.name ?? remembered.profile, step });
        return profile === undefined ? undefined : { ...s, profile };
      },
    },
    {
      // An embedded model has no batch API.
      applies: (s) => s.profile?.backend !== 'llama',
      ask: async (s, step) => {
        const executor = await prompter.pickOne(executorEntries(s.profile as ModelProfile, s.executor ?? remembered.executor), { title: TITLE, placeholder: 'How are the calls sent?', step });
        return executor === undefined ? undefined : { ...s, executor };
      },
    },
    {
      ask: async (s, step) => {
        const text = await prompter.input({ title: TITLE, prompt: 'Samples per task (N)', value: String(s.n ?? remembered.n ?? settings.samplesPerTask), validate: validateSampleCount, step });
        return text === undefined ? undefined : { ...s, n: Number(text.trim()) };
      },
    },
    {
      ask: async (s, step) => {
        const text = await prompter.input({ title: TITLE, prompt: 'Max tokens per generation', value: String(s.maxTokens ?? remembered.maxTokens ?? settings.maxTokens), validate: validateMaxTokens, step });
        return text === undefined ? undefined : { ...s, maxTokens: Number(text.trim()) };
      },
    },
    {
      ask: async (s, step) => {
        const verifiers = await askVerifiers(prompter, s.verifiers ?? remembered.verifiers ?? settings.defaultVerifiers, [], step);
        return verifiers === undefined ? undefined : { ...s, verifiers };
      },
    },
    {
      // Before a profile is picked, counted when another profile could verify.
      applies: (s) => (s.profile ? verifierModels(s).length > 0 : profiles.length > 1),
      ask: async (s, step) => {
        const verifierModel = await prompter.pickOne(verifierModels(s), { title: TITLE, placeholder: 'Which model verifies the samples?', step });
        return verifierModel === undefined ? undefined : { ...s, verifierModel };
      },
    },
    {
      // Before the verifiers are picked, counted when the ones offered first could draw several.
      applies: (s) => canDrawSeveral(s.verifiers ?? remembered.verifiers ?? settings.defaultVerifiers),
      ask: async (s, step) => {
        const verifiers = s.verifiers ?? [];
        const text = await prompter.input({
          title: TITLE,
          prompt: `Verifications per sample (K): each sample judged K times by ${verifiers.filter((v) => DRAWN_VERIFIERS[v] !== undefined).join(' and ')}, aggregated; the report shows the gap with every k ≤ K`,
          value: String(s.verifications ?? remembered.verifications ?? settings.verificationsPerSample),
          validate: validateVerifications(verifiers, settings.verifierTemperature),
          step,
        });
        return text === undefined ? undefined : { ...s, verifications: Number(text.trim()) };
      },
    },
    {
      applies: (s) => isBuiltin(ctx.presetTasks ?? s.tasks) || (ctx.presetTasks === undefined && s.tasks === undefined),
      ask: async (s, step) => {
        const tasks = ctx.presetTasks ?? s.tasks ?? '';
        const limit = await askLimit(prompter, tasks, s, s.limit !== undefined ? s.limit : remembered.limit, step);
        return limit === undefined ? undefined : { ...s, limit };
      },
    },
    {
      ask: async (s, step) => {
        const filter = await askFilter(prompter, s.filter ?? remembered.filter ?? settings.defaultFilter, TITLE, step);
        return filter === undefined ? undefined : { ...s, filter };
      },
    },
  ];
  const s = await runSteps(steps, {});
  if (!s) return undefined;
  const tasks = ctx.presetTasks ?? s.tasks;
  const { profile, n, maxTokens, verifiers, filter } = s;
  if (tasks === undefined || !profile || n === undefined || maxTokens === undefined || !verifiers || filter === undefined) throw new Error('internal: a run plan step was skipped');
  // Answers of steps a Back made moot (a limit for what became a task file) are left out.
  const limit = isBuiltin(tasks) ? s.limit : undefined;
  const verifierModel = verifierModels(s).length > 0 ? s.verifierModel : undefined;
  const verifications = canDrawSeveral(verifiers) ? s.verifications : undefined;
  return {
    tasks,
    ...(limit !== undefined && limit !== null ? { limit } : {}),
    profile,
    n,
    maxTokens,
    verifiers,
    ...(verifierModel !== undefined && verifierModel !== null ? { verifierModel } : {}),
    ...(verifications !== undefined ? { verifications } : {}),
    filter,
    executor: profile.backend === 'openai' ? (s.executor ?? 'online') : 'online',
  };
}

/** What a plan's answers leave to remember for the next run in the workspace. */
export function choicesOf(plan: RunPlan, before: RunChoices): RunChoices {
  return {
    ...before,
    profile: plan.profile.name,
    ...(plan.profile.backend === 'openai' ? { executor: plan.executor } : {}),
    n: plan.n,
    maxTokens: plan.maxTokens,
    verifiers: plan.verifiers,
    ...(plan.verifications !== undefined ? { verifications: plan.verifications } : {}),
    // A run on a task file has no limit: the last built-in set's choice stays.
    ...(isBuiltin(plan.tasks) ? { limit: plan.limit ?? null } : {}),
    filter: plan.filter,
  };
}

async function askLimit(prompter: Prompter, tasks: string, s: PlanState, remembered: number | null | undefined, step: StepPosition): Promise<number | null | undefined> {
  const n = s.n ?? 1;
  // Each verifier's calls per sample: K each when they draw K (the question refuses K > 1 for a verifier that cannot).
  const verifierCount = (s.verifiers?.length ?? 1) * (s.verifiers && canDrawSeveral(s.verifiers) ? (s.verifications ?? 1) : 1);
  const picked = await prompter.pickOne(limitEntries(n, verifierCount, remembered), { title: TITLE, placeholder: `How many tasks of ${tasks}?`, step });
  if (picked !== CUSTOM_LIMIT) return picked;
  const text = await prompter.input({ title: TITLE, prompt: `How many tasks of ${tasks}? (the first ones of the set)`, value: typeof remembered === 'number' ? String(remembered) : '', validate: validateTaskCount, step });
  return text === undefined ? undefined : Number(text.trim());
}

async function askTaskSource(prompter: Prompter, ctx: RunPlanContext, step: StepPosition): Promise<string | undefined> {
  for (;;) {
    const choice = await prompter.pickOne(taskSourceEntries(ctx.builtins, ctx.workspaceFiles, ctx.activeFile), { title: TITLE, placeholder: 'Which tasks?', step });
    if (!choice) return undefined;
    if (choice.kind === 'builtin') return choice.name;
    if (choice.kind === 'file') return choice.path;
    const path = await prompter.openPath({ title: TITLE, openLabel: 'Use these tasks', folders: false, filters: { 'Task files': ['jsonl', 'csv'] } });
    // The dialog closed without a file: back to the list.
    if (path !== undefined) return path;
  }
}

export async function askVerifiers(prompter: Prompter, defaults: readonly BaseVerifierName[], exclude: readonly string[] = [], step?: StepPosition): Promise<BaseVerifierName[] | undefined> {
  const entries = verifierEntries(defaults).filter((e) => !('value' in e) || !exclude.includes(e.value));
  if (entries.length === 0) throw new UserError('every verifier has already been run on this run');
  const picked = await prompter.pickMany(entries, { title: step ? TITLE : 'Gap Lens: Verifiers', placeholder: 'Which verifiers judge the samples? (one or more)', ...(step ? { step } : {}) });
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

export async function askFilter(prompter: Prompter, defaultFilter: string, title: string, step?: StepPosition): Promise<string | undefined> {
  const inStep = step ? { step } : {};
  const picked = await prompter.pickOne(filterEntries(defaultFilter), { title, placeholder: 'Filter: which samples the verifier keeps', ...inStep });
  if (picked === undefined) return undefined;
  if (picked !== null) return picked;
  const custom = await prompter.input({ title, prompt: 'Filter', value: defaultFilter, placeholder: 'quantile:0.8', validate: validateFilter, ...inStep });
  return custom?.trim();
}

/** The run.json config of a plan, with the sampling settings from the user's settings. */
export function runConfigOf(plan: RunPlan, settings: GapLensSettings): RunConfig {
  const judged = verifiersRunBy(plan.verifiers, modelSpecOf(plan.profile), plan.verifierModel);
  // Refused here as the CLI refuses it, should a plan not come from the validated question.
  const verifications = runVerifications(judged.verifiers, plan.verifications ?? 1, settings.verifierTemperature);
  return {
    tasks: plan.tasks,
    ...(plan.limit !== undefined ? { limit: plan.limit } : {}),
    model: modelSpecOf(plan.profile),
    api: plan.profile.api,
    n: plan.n,
    ...judged,
    filter: plan.filter,
    temperature: settings.temperature,
    topP: settings.topP,
    maxTokens: plan.maxTokens,
    verifierTemperature: settings.verifierTemperature,
    verifierMaxTokens: settings.verifierMaxTokens,
    seed: settings.seed,
    concurrency: plan.profile.maxConcurrency,
    ...(verifications !== undefined ? { verifications } : {}),
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
