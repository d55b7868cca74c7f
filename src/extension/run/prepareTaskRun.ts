// A new run over tasks the extension already holds (the selected lines of an unsaved task file, a
// question selected in any file) rather than a task source core loads by name. Mirrors core's
// prepareNewRun after its loadTaskSet step; see the report to the lead: prepareNewRun could take
// the tasks directly, and this file would go.
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { templatesUsed, type PreparedRun } from '../../core/pipeline/runSession';
import { loadTemplates } from '../../core/prompts/load';
import type { RunConfig, RunManifest } from '../../core/runs/records';
import { createRunFolder, newRunId } from '../../core/runs/runStore';
import type { Task } from '../../core/tasks/task';
import { UserError } from '../../core/util/errors';
import type { BaseVerifierName } from '../../core/verify/verifier';
import { GAPLENS_VERSION } from '../../core/version';

export async function prepareTaskRun(config: RunConfig, tasks: Task[], opts: { runsRoot: string; now?: Date; versions?: Record<string, string> }): Promise<PreparedRun> {
  if (tasks.length === 0) throw new UserError(`${config.tasks}: no tasks to run`);
  const templates = loadTemplates(config.templates);
  const used = templatesUsed(templates, tasks, config.verifiers as BaseVerifierName[]);
  const now = opts.now ?? new Date();
  const id = newRunId(now, config.model);
  const dir = join(opts.runsRoot, id);
  const manifest: RunManifest = {
    schema: 1,
    id,
    createdAt: now.toISOString(),
    config,
    versions: { gaplens: GAPLENS_VERSION, node: process.version, ...opts.versions },
    templates: Object.fromEntries(used.map((t) => [basename(t.path), t.sha256])),
    tasksSha256: '',
  };
  await createRunFolder(dir, manifest, tasks);
  await mkdir(join(dir, 'templates'), { recursive: true });
  await Promise.all(used.map((t) => copyFile(t.path, join(dir, 'templates', basename(t.path)))));
  return { dir, config, tasks, templates, existing: null };
}
