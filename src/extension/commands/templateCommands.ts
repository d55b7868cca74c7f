// The verifier template loop in VS Code (docs/templates.md, "Iterating on a verifier template"):
// Edit Verifier Template opens an editable copy of the template a run's verifier used, in the run's
// `templates/drafts/`; Re-verify with this Template (editor title, CodeLens on a draft) re-verifies
// the run with the drafts folder as a new template version through the run executor, then opens the
// A/B comparison against the version before.
import { constants } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { compareTemplateVersions } from '../../core/pipeline/templateComparison';
import { readRunColumns } from '../../core/runs/runColumns';
import { readManifest, readRun } from '../../core/runs/runStore';
import { sampleKey } from '../../core/runs/sampleKey';
import { ORIGINAL_VERSION, splitVersion, verifierTemplateFiles, versionsOf } from '../../core/runs/templateVersions';
import { liveLockHolder } from '../../core/runs/runLock';
import { UserError } from '../../core/util/errors';
import { fileSystemProblem } from '../../core/util/fsProblems';
import { baseVerifierOf } from '../../core/verify/index';
import { createNonce } from '../panel/panelHtml';
import { templateComparisonHtml, type ChangedSampleTexts } from '../panel/templateComparisonView';
import { pathArg } from './commandArgs';
import type { CommandContext } from './commandContext';
import { pickRun } from './runFolderCommands';

/** Where Edit Verifier Template puts the editable copies, under the run folder. */
const DRAFTS = join('templates', 'drafts');
/** Task-bootstrap resamples for the intervals, as `gaplens templates compare` uses by default. */
const RESAMPLES = 1000;

/** Edit Verifier Template…: copies the templates a verifier of the run used (its newest version) to drafts, and opens them. */
export async function editVerifierTemplate(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const dir = pathArg(args[0]) ?? ctx.panels.current()?.dir ?? (await pickRun(ctx, 'Edit Verifier Template', (r) => r.complete));
  if (dir === undefined) return;
  const manifest = await readManifest(dir);
  const originals = manifest.config.verifiers.filter((name) => splitVersion(name).version === ORIGINAL_VERSION);
  if (originals.length === 0) throw new UserError(`${dir} has no verifiers yet: add one with Re-verify Run… first`);
  const verifier =
    originals.length === 1
      ? originals[0]
      : await ctx.prompter.pickOne(
          originals.map((name) => ({ label: name, description: `versions ${versionsOf(manifest, name).join(', ')}`, value: name })),
          { title: 'Gap Lens: Edit Verifier Template', placeholder: "Which verifier's template?" },
        );
  if (verifier === undefined) return;
  // The newest version is where the user left off.
  const version = versionsOf(manifest, verifier).at(-1) ?? ORIGINAL_VERSION;
  const files = verifierTemplateFiles(manifest, verifier, version);
  if (files.length === 0) throw new UserError(`${dir}: run.json names no template of ${verifier}; restore the run's templates/`);
  const drafts = join(dir, DRAFTS);
  const refuse = (err: unknown, path: string): never => {
    throw fileSystemProblem(err, path) ?? err;
  };
  await mkdir(drafts, { recursive: true }).catch((err: unknown) => refuse(err, drafts));
  const opened: string[] = [];
  for (const file of files) {
    const draft = join(drafts, basename(file));
    // A draft already there holds the user's edits: it is opened as it is, never overwritten.
    await copyFile(join(dir, 'templates', file), draft, constants.COPYFILE_EXCL).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') refuse(err, draft);
    });
    opened.push(draft);
  }
  for (const draft of opened) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(draft)), { preview: false });
  ctx.services.log.info(`edit ${verifier}'s template (from ${version}) in ${drafts}; Re-verify with this Template runs it`);
}

/** Re-verify with this Template: the run whose drafts folder holds the file, re-verified with that folder as a new template version. */
export async function reverifyWithTemplate(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const file = pathArg(args[0]) ?? vscode.window.activeTextEditor?.document.uri.fsPath;
  if (file === undefined) throw new UserError('open a draft template (Edit Verifier Template…) to re-verify with it');
  const drafts = dirname(file);
  const dir = dirname(dirname(drafts));
  if (!drafts.endsWith(DRAFTS)) throw new UserError(`${file} is not a draft of a run's template: Edit Verifier Template… makes one in RUN/${DRAFTS}/`);
  if (ctx.executor.isRunning(dir)) throw new UserError(`${dir} is running; re-verify it when it has finished`);
  // The drafts are read from disk: unsaved edits are saved first, as the user sees them.
  for (const doc of vscode.workspace.textDocuments) if (doc.isDirty && dirname(doc.uri.fsPath) === drafts) await doc.save();
  const manifest = await readManifest(dir);
  const role = basename(file).split('.')[0] ?? '';
  // This file's verifiers: each the run started with that renders this role.
  const verifiers = manifest.config.verifiers.filter((name) => splitVersion(name).version === ORIGINAL_VERSION && `verify-${baseVerifierOf(name)}` === role);
  if (verifiers.length === 0) throw new UserError(`${file}: no verifier of ${dir} uses a ${role} template`);
  const result = await ctx.executor.execute({ open: { kind: 'template-version', dir, version: { templates: drafts, verifiers } }, activity: `re-verifying ${verifiers.join(', ')} with the edited template` });
  if (result?.status !== 'complete') return;
  const added = (await readManifest(dir)).templateVersions?.at(-1)?.verifiers[0];
  if (added !== undefined) await showTemplateComparison(ctx, dir, added);
}

/** The A/B view of a verifier's newest template version against the one before: statistics, changed samples, both raw outputs. */
export async function showTemplateComparison(ctx: CommandContext, dir: string, verifier: string): Promise<void> {
  const warn = (m: string): void => ctx.services.log.warn(m);
  const comparison = compareTemplateVersions(await readRunColumns(dir, { onWarning: warn }), { verifier, resamples: RESAMPLES, seed: 0, live: (await liveLockHolder(dir)) !== null });
  // The texts of the changed samples only: the generation judged and each version's raw output.
  const run = await readRun(dir, { onWarning: warn });
  const texts: ChangedSampleTexts = (task, index) => {
    const key = sampleKey(task, index);
    const records = run.verifications.get(key);
    return { generation: run.generations.get(key)?.text ?? '', a: records?.get(comparison.a.verifier)?.raw ?? null, b: records?.get(comparison.b.verifier)?.raw ?? null };
  };
  const panel = vscode.window.createWebviewPanel('gaplens.templateComparison', `Gap Lens: ${comparison.verifier} ${comparison.a.version} vs ${comparison.b.version}`, vscode.ViewColumn.Active, {
    enableScripts: false,
    enableCommandUris: false,
    localResourceRoots: [],
  });
  ctx.ownPanel(panel);
  panel.iconPath = vscode.Uri.joinPath(ctx.services.context.extensionUri, 'media', 'icon.png');
  panel.webview.html = templateComparisonHtml(comparison, texts, { cspSource: panel.webview.cspSource, nonce: createNonce() });
}
