// Preparing a run folder to be written: creating it, re-opening it for a resume, adding verifiers.
// Only the run controller (runController.ts) calls the ones that write, under the run's lock.
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { modelLabel, parseModelSpec, sameModel } from '../llm/modelSpec';
import { baseVerifierOf, verifiersRunBy } from '../verify/index';
import { loadTemplates } from '../prompts/load';
import type { TemplateRole, TemplateSet } from '../prompts/templates';
import type { ImportProvenance, RunConfig, RunManifest } from '../runs/records';
import type { EndpointCapabilities } from '../runs/endpointCapabilities';
import { createRunFolder, newRunId, readRun, updateManifest, type RunData } from '../runs/runStore';
import { loadTaskSet } from '../tasks/load';
import type { GraderName, Task } from '../tasks/task';
import { UserError } from '../util/errors';
import type { BaseVerifierName } from '../verify/verifier';
import { GAPLENS_VERSION } from '../version';
import { drawCount } from '../runs/drawnScores';

export interface PreparedRun {
  dir: string;
  config: RunConfig;
  tasks: Task[];
  templates: TemplateSet;
  /** What the folder already holds (empty for a new run). */
  existing: RunData | null;
}

export interface NewRunOptions {
  out?: string;
  runsRoot: string;
  now?: Date;
  versions?: Record<string, string>;
  /** A run made by `gaplens import`: where its generations came from (run.json `import`). */
  provenance?: ImportProvenance;
  /** What the run's HTTP endpoints accept, probed before the folder is created (run.json `capabilities`). */
  capabilities?: Record<string, EndpointCapabilities>;
}

/** The tasks a new run over `config.tasks` (a built-in set or a file) draws: all, or `limit` of them by the run's seed. */
export async function loadRunTasks(config: RunConfig): Promise<Task[]> {
  const { tasks } = await loadTaskSet(config.tasks, config.limit !== undefined ? { limit: config.limit, seed: config.seed } : { seed: config.seed });
  return tasks;
}

/** Every model a run calls: its own, and those of its cross-model verifiers. */
export function runModels(config: RunConfig): string[] {
  return [config.model, ...Object.values(config.verifierModels ?? {})];
}

/**
 * Creates a new run folder over tasks the caller already holds (the extension's selected lines or
 * selected text): config, task snapshot, and a copy of every template the run uses.
 */
export async function prepareRunOfTasks(config: RunConfig, tasks: Task[], opts: NewRunOptions): Promise<PreparedRun> {
  if (tasks.length === 0) throw new UserError(`${config.tasks}: no tasks to run`);
  const templates = loadTemplates(config.templates);
  const used = templatesUsed(templates, tasks, config.verifiers, { imported: opts.provenance !== undefined });
  const now = opts.now ?? new Date();
  const id = newRunId(now, modelLabel(parseModelSpec(config.model)));
  const dir = opts.out ?? join(opts.runsRoot, id);
  const manifest: RunManifest = {
    schema: 1,
    id,
    createdAt: now.toISOString(),
    config,
    versions: { gaplens: GAPLENS_VERSION, node: process.version, ...opts.versions },
    templates: Object.fromEntries(used.map((t) => [basename(t.path), t.sha256])),
    tasksSha256: '',
    ...(opts.provenance ? { import: opts.provenance } : {}),
    ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
  };
  await createRunFolder(dir, manifest, tasks);
  // The run keeps its own copy of the prompts so a resume, a re-verify or a reader a year later
  // sees exactly what the model saw, whatever the defaults have become.
  await mkdir(join(dir, 'templates'), { recursive: true });
  await Promise.all(used.map((t) => copyFile(t.path, join(dir, 'templates', basename(t.path)))));
  return { dir, config, tasks, templates, existing: null };
}

/**
 * Re-opens a run folder (repairing a torn last line, unless `repair` is false: a reader that holds
 * no lock only looks) with the exact templates it was started with.
 */
export async function prepareResume(dir: string, onWarning: (message: string) => void, { repair = true } = {}): Promise<PreparedRun> {
  const run = await readRun(dir, { repair, onWarning });
  const templates = loadTemplates(join(dir, 'templates'));
  checkTemplates(run, templates, run.manifest.config.verifiers);
  return { dir, config: run.manifest.config, tasks: run.tasks, templates, existing: run };
}

/**
 * The templates a run over these tasks with these verifiers (names as records carry them) renders.
 * An imported run's generations were prompted elsewhere (their prompts are in tasks.jsonl `meta`),
 * so it renders no generate template and keeps none.
 */
export function templatesUsed(templates: TemplateSet, tasks: Task[], verifiers: readonly string[], { imported }: { imported: boolean }) {
  const kinds = [...new Set<GraderName>(tasks.map((t) => t.grader))];
  const verify = [...new Set(verifiers.map((v) => `verify-${baseVerifierOf(v)}` as TemplateRole))];
  const roles: TemplateRole[] = imported ? verify : ['generate', ...verify];
  const byPath = new Map(roles.flatMap((role) => kinds.map((kind) => templates.get(role, kind))).map((t) => [t.path, t]));
  return [...byPath.values()];
}

function checkTemplates(run: RunData, templates: TemplateSet, verifiers: readonly string[]): void {
  for (const t of templatesUsed(templates, run.tasks, verifiers, { imported: run.manifest.import !== undefined })) {
    const recorded = run.manifest.templates[basename(t.path)];
    if (recorded !== t.sha256) {
      throw new UserError(
        `${join(run.dir, 'templates', basename(t.path))}: this prompt template differs from the one the run started with ` +
          `(run.json records sha256 ${recorded ?? 'none'}). Restore it, or start a new run.`,
      );
    }
  }
}

/**
 * Prepares a run with all its generations for more verifiers over them (no new sampling): records
 * them in run.json and copies their templates into the run. With `model`, the verifiers are run by
 * that model instead of the run's own (cross-verification), under names like `mc@model`.
 */
export async function addVerifiers(
  dir: string,
  bases: BaseVerifierName[],
  model: string | undefined,
  onWarning: (message: string) => void,
  capabilities: Record<string, EndpointCapabilities> = {},
  verifications = 1,
): Promise<{ prepared: PreparedRun; added: string[] }> {
  const prepared = await prepareResume(dir, onWarning);
  const { config, tasks } = prepared;
  const generated = prepared.existing?.generations.size ?? 0;
  if (generated < tasks.length * config.n) {
    throw new UserError(`${dir} has ${generated} of ${tasks.length * config.n} generations: finish it first with gaplens run --resume ${dir}`);
  }
  // The run's own model at other endpoints verifies as the run's model (the caller opens it there).
  const { verifiers: added, verifierModels } = verifiersRunBy(bases, config.model, model !== undefined && sameModel(model, config.model) ? undefined : model);
  // K draws of a verifier the run has already drawn more of would leave draws uncounted; more adds draws.
  const fewer = added.find((name) => drawCount(config, name) > verifications && config.verifiers.includes(name));
  if (fewer !== undefined) throw new UserError(`${dir} draws ${drawCount(config, fewer)} verifications per sample of ${fewer}: --verifications ${verifications} would leave some uncounted; give at least ${drawCount(config, fewer)}`, 2);
  const drawn = verifications > 1 ? { verifications: { ...config.verifications, ...Object.fromEntries(added.map((name) => [name, verifications])) } } : {};
  const defaults = loadTemplates(config.templates);
  const fresh = templatesUsed(defaults, tasks, added, { imported: prepared.existing?.manifest.import !== undefined }).filter((t) => !(basename(t.path) in (prepared.existing?.manifest.templates ?? {})));
  await Promise.all(fresh.map((t) => copyFile(t.path, join(dir, 'templates', basename(t.path)))));
  // Until the new verifiers have run, the run is not complete.
  const manifest = await updateManifest(dir, ({ completedAt: _done, ...m }) => ({
    ...m,
    config: {
      ...m.config,
      verifiers: [...new Set([...m.config.verifiers, ...added])],
      ...(verifierModels === undefined ? {} : { verifierModels: { ...m.config.verifierModels, ...verifierModels } }),
      ...drawn,
    },
    templates: { ...m.templates, ...Object.fromEntries(fresh.map((t) => [basename(t.path), t.sha256])) },
    ...(Object.keys(capabilities).length > 0 ? { capabilities: { ...m.capabilities, ...capabilities } } : {}),
  }));
  return { prepared: { ...prepared, config: manifest.config, templates: loadTemplates(join(dir, 'templates')) }, added };
}
