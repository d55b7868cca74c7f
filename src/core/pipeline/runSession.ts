// Preparing a run folder to be written: creating it, re-opening it for a resume, adding verifiers.
// Only the run controller (runController.ts) calls the ones that write, under the run's lock.
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join, resolve as resolvePath } from 'node:path';
import { modelLabel, parseModelSpec, sameModel } from '../llm/modelSpec';
import { baseVerifierOf, verifiersRunBy } from '../verify/index';
import { loadTemplates } from '../prompts/load';
import type { TemplateRole, TemplateSet } from '../prompts/templates';
import type { ImportProvenance, RunConfig, RunLineage, RunManifest, TemplateVersion } from '../runs/records';
import { nextVersionName, ORIGINAL_VERSION, splitVersion, versionedVerifierName, versionFolder } from '../runs/templateVersions';
import type { EndpointCapabilities } from '../runs/endpointCapabilities';
import { createRunFolder, newRunId, updateManifest, type RunData } from '../runs/runStore';
import { readColumnStore, recordColumns, type RunColumns, type StoreRead } from '../runs/runColumns';
import { loadTaskSet } from '../tasks/load';
import type { GraderName, Task } from '../tasks/task';
import { UserError } from '../util/errors';
import { fileSystemProblem } from '../util/fsProblems';
import type { BaseVerifierName } from '../verify/verifier';
import { GAPLENS_VERSION } from '../version';
import { drawCount } from '../runs/drawnScores';

export interface PreparedRun {
  dir: string;
  config: RunConfig;
  tasks: Task[];
  templates: TemplateSet;
  /**
   * What the folder already holds, as compact columns (runColumns.ts): memory that does not grow
   * with the records' texts. Null for a new run.
   */
  columns: RunColumns | null;
  /** The templates of each template version of the run by version name (runs/templateVersions.ts); absent when it has none. */
  versionTemplates?: ReadonlyMap<string, TemplateSet>;
  /** The store `columns` are views of, with the manifest it was read with and how its scan ended: where the column cache's checkpoints go on from (columnCheckpoints.ts). */
  read?: Pick<StoreRead, 'store' | 'manifest' | 'scan'>;
}

/** What checkTemplates reads of the folder a run was prepared from. */
export type HeldRun = Pick<RunData, 'dir' | 'manifest' | 'tasks' | 'annotations' | 'warnings'>;

export interface PrepareOptions {
  /** Cut a torn last line off samples.jsonl (default). A reader that holds no lock only looks: false. */
  repair?: boolean;
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
  /** The export this run's model was trained on (`gaplens run --lineage`, run.json `lineage`), its hash already checked. */
  lineage?: RunLineage;
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
    ...(opts.lineage ? { lineage: opts.lineage } : {}),
  };
  await createRunFolder(dir, manifest, tasks);
  // The run keeps its own copy of the prompts so a resume, a re-verify or a reader a year later
  // sees exactly what the model saw, whatever the defaults have become.
  await mkdir(join(dir, 'templates'), { recursive: true });
  await Promise.all(used.map((t) => copyFile(t.path, join(dir, 'templates', basename(t.path)))));
  return { dir, config, tasks, templates, columns: null };
}

/**
 * Re-opens a run folder as columns (repairing a torn last line, unless `repair` is false) with the
 * exact templates it was started with.
 */
export async function prepareResume(dir: string, onWarning: (message: string) => void, { repair = true }: PrepareOptions = {}): Promise<PreparedRun> {
  // The process about to append (repair) leaves rewriting the column cache to its checkpoints.
  const { store, scan, ...read } = await readColumnStore(dir, { repair, onWarning, deferCacheWrite: repair });
  const columns: RunColumns = { ...store.columns(), ...read };
  const templates = loadTemplates(join(dir, 'templates'));
  checkTemplates(columns, templates, columns.manifest.config.verifiers);
  const versions = columns.manifest.templateVersions ?? [];
  const versionTemplates = new Map(versions.map((version) => [version.name, loadVersionTemplates(dir, version.name)]));
  for (const version of versions) checkTemplates(columns, versionTemplates.get(version.name) as TemplateSet, version.verifiers, versionFolder(version.name));
  return { dir, config: columns.manifest.config, tasks: columns.tasks, templates, columns, read: { store, manifest: columns.manifest, scan }, ...(versions.length > 0 ? { versionTemplates } : {}) };
}

/** A template version's templates: its own copies over the run's (which it falls back to for roles it did not change). */
function loadVersionTemplates(dir: string, version: string): TemplateSet {
  return loadTemplates([join(dir, 'templates', versionFolder(version)), join(dir, 'templates')]);
}

/**
 * The records the folder held when the run was prepared: its generations, and its generations
 * and verifications together (what progress counts as done). Orphan verifications are not counted.
 */
export function recordsOnFile({ columns }: Pick<PreparedRun, 'columns'>): { generations: number; records: number } {
  if (!columns) return { generations: 0, records: 0 };
  let generations = 0;
  let verifications = 0;
  for (let row = 0; row < columns.rows; row++) if (columns.generation[row] !== -1) generations++;
  // A verifier drawing several verifications per sample: each draw's record counts.
  for (const { score } of recordColumns(columns)) for (let row = 0; row < columns.rows; row++) if (!Number.isNaN(score[row] as number)) verifications++;
  return { generations, records: generations + verifications };
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

/** `folder`: where under the run's `templates/` the copies are (a template version's folder), as run.json's keys name them. */
function checkTemplates(run: HeldRun, templates: TemplateSet, verifiers: readonly string[], folder?: string): void {
  const used = templatesUsed(templates, run.tasks, verifiers, { imported: run.manifest.import !== undefined });
  // A version keeps only the verify templates of its verifiers; the generate template stays the run's.
  for (const t of folder === undefined ? used : used.filter((u) => u.role !== 'generate')) {
    const name = copyName(t.path, folder);
    const recorded = run.manifest.templates[name];
    if (recorded !== t.sha256) {
      throw new UserError(
        `${join(run.dir, 'templates', name)}: this prompt template differs from the one the run started with ` +
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
  const held = prepared.columns;
  requireAllGenerations(prepared);
  // The run's own model at other endpoints verifies as the run's model (the caller opens it there).
  const { verifiers: added, verifierModels } = verifiersRunBy(bases, config.model, model !== undefined && sameModel(model, config.model) ? undefined : model);
  // K draws of a verifier the run has already drawn more of would leave draws uncounted; more adds draws.
  const fewer = added.find((name) => drawCount(config, name) > verifications && config.verifiers.includes(name));
  if (fewer !== undefined) throw new UserError(`${dir} draws ${drawCount(config, fewer)} verifications per sample of ${fewer}: --verifications ${verifications} would leave some uncounted; give at least ${drawCount(config, fewer)}`, 2);
  const drawn = verifications > 1 ? { verifications: { ...config.verifications, ...Object.fromEntries(added.map((name) => [name, verifications])) } } : {};
  const defaults = loadTemplates(config.templates);
  const fresh = templatesUsed(defaults, tasks, added, { imported: held?.manifest.import !== undefined }).filter((t) => !(basename(t.path) in (held?.manifest.templates ?? {})));
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

/** A template copy's key in run.json `templates`: its file name, under a version's folder for a version's copy. */
function copyName(path: string, folder: string | undefined): string {
  return folder === undefined ? basename(path) : `${folder}/${basename(path)}`;
}

export interface TemplateVersionRequest {
  /** The folder of edited templates: its files over the run's own copies make the version's templates. */
  templates: string;
  /** The version's name (checkVersionName); default: the next of v2, v3, … */
  name?: string;
  /** Which of the run's verifiers to re-run, as the run names them (`cot-score`, `mc@judge`); default: each one whose templates the folder changes. */
  verifiers?: readonly string[];
  now?: Date;
}

/**
 * Prepares a finished run for a new template version (no new sampling): the verifiers whose
 * templates `request.templates` changes are recorded as `<verifier>#<version>` in run.json, with
 * the version's templates copied into `templates/versions/<version>/` (docs/run-format.md).
 */
export async function addTemplateVersion(
  dir: string,
  request: TemplateVersionRequest,
  onWarning: (message: string) => void,
  capabilities: Record<string, EndpointCapabilities> = {},
): Promise<{ prepared: PreparedRun; added: string[] }> {
  const prepared = await prepareResume(dir, onWarning);
  const { config, tasks } = prepared;
  const manifest = (prepared.columns as RunColumns).manifest;
  requireAllGenerations(prepared);
  const name = request.name ?? nextVersionName(manifest);
  if ((manifest.templateVersions ?? []).some((v) => v.name === name)) {
    throw new UserError(`${dir} already has a template version "${name}"; choose another --name (its versions: ${versionNames(manifest).join(', ')})`, 2);
  }
  const originals = config.verifiers.filter((v) => splitVersion(v).version === ORIGINAL_VERSION);
  const unknown = (request.verifiers ?? []).filter((v) => !originals.includes(v));
  if (unknown.length > 0) throw new UserError(`--verifier ${unknown.join(', ')}: not a verifier of ${dir}; it has ${originals.join(', ') || 'none'}`, 2);
  const source = resolvePath(request.templates);
  const edited = loadTemplates([source, join(dir, 'templates')]);
  const imported = { imported: manifest.import !== undefined };
  const verifyOnly = (set: TemplateSet, verifier: string) => templatesUsed(set, tasks, [verifier], imported).filter((t) => t.role !== 'generate');
  const changes = (verifier: string): boolean => {
    const before = new Map(verifyOnly(prepared.templates, verifier).map((t) => [`${t.role}.${t.kind}`, t.sha256]));
    return verifyOnly(edited, verifier).some((t) => before.get(`${t.role}.${t.kind}`) !== t.sha256);
  };
  const chosen = request.verifiers ?? originals.filter(changes);
  const unchanged = chosen.filter((v) => !changes(v));
  if (chosen.length === 0 || unchanged.length > 0) {
    const which = unchanged.length > 0 ? unchanged.join(', ') : `the run's verifiers (${originals.join(', ') || 'none'})`;
    throw new UserError(`${source}: no template there differs from the one ${which} used; edit a verify-*.txt template there (docs/templates.md)`, 2);
  }
  const added = chosen.map((v) => versionedVerifierName(v, name));
  const folder = versionFolder(name);
  const copies = [...new Map(chosen.flatMap((v) => verifyOnly(edited, v)).map((t) => [t.path, t])).values()];
  const into = join(dir, 'templates', folder);
  // A read-only or full run folder is said in one line naming it, before run.json changes.
  await mkdir(into, { recursive: true })
    .then(() => Promise.all(copies.map((t) => copyFile(t.path, join(dir, 'templates', copyName(t.path, folder))))))
    .catch((err: unknown) => {
      throw fileSystemProblem(err, into) ?? err;
    });
  const crossModels = Object.fromEntries(chosen.flatMap((v, i) => (config.verifierModels?.[v] === undefined ? [] : [[added[i] as string, config.verifierModels[v]]])));
  // A version of a verifier drawing K verifications per sample draws K too: the comparison is like with like.
  const drawn = Object.fromEntries(chosen.flatMap((v, i) => (drawCount(config, v) === 1 ? [] : [[added[i] as string, drawCount(config, v)]])));
  const version: TemplateVersion = { name, createdAt: (request.now ?? new Date()).toISOString(), source, verifiers: added };
  // Until the version's verifiers have run, the run is not complete.
  const updated = await updateManifest(dir, ({ completedAt: _done, ...m }) => ({
    ...m,
    config: {
      ...m.config,
      verifiers: [...m.config.verifiers, ...added],
      ...(Object.keys(crossModels).length === 0 ? {} : { verifierModels: { ...m.config.verifierModels, ...crossModels } }),
      ...(Object.keys(drawn).length === 0 ? {} : { verifications: { ...m.config.verifications, ...drawn } }),
    },
    templates: { ...m.templates, ...Object.fromEntries(copies.map((t) => [copyName(t.path, folder), t.sha256])) },
    templateVersions: [...(m.templateVersions ?? []), version],
    ...(Object.keys(capabilities).length > 0 ? { capabilities: { ...m.capabilities, ...capabilities } } : {}),
  }));
  const versionTemplates = new Map(prepared.versionTemplates ?? []).set(name, loadVersionTemplates(dir, name));
  return { prepared: { ...prepared, config: updated.config, versionTemplates }, added };
}

function versionNames(manifest: RunManifest): string[] {
  return [ORIGINAL_VERSION, ...(manifest.templateVersions ?? []).map((v) => v.name)];
}

/** Re-verifying needs every generation: a run still sampling is resumed first. */
function requireAllGenerations(prepared: PreparedRun): void {
  const { dir, config, tasks } = prepared;
  const { generations: generated } = recordsOnFile(prepared);
  if (generated < tasks.length * config.n) {
    throw new UserError(`${dir} has ${generated} of ${tasks.length * config.n} generations: finish it first with gaplens run --resume ${dir}`);
  }
}
