// Check Model…: `gaplens doctor` for a model profile — what its endpoint accepts, whether its
// logprobs are sound, which verifiers it can serve — shown as a Markdown preview.
import * as vscode from 'vscode';
import { runDoctor } from '../../core/pipeline/doctor';
import { doctorMarkdown } from '../../core/report/doctorText';
import { defaultCapabilityCacheDir } from '../../core/util/cacheDir';
import { UserError } from '../../core/util/errors';
import { modelSpecOf } from '../config/settings';
import type { CommandContext } from './commandContext';
import { profileEntries } from './runPlan';

const TITLE = 'Gap Lens: Check Model';

export async function checkModel(ctx: CommandContext): Promise<void> {
  const { profiles } = ctx.workspace.settings();
  if (profiles.length === 0) throw new UserError('no model profiles: add one in Settings (gaplens.modelProfiles)');
  const profile = await ctx.prompter.pickOne(profileEntries(profiles, undefined), { title: TITLE, placeholder: 'Which model profile? (its endpoint is probed: a few small requests)' });
  if (!profile) return;
  const model = modelSpecOf(profile);
  const apiKey = await ctx.keys.forModel(model);
  const { log } = ctx.services;
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${TITLE}: ${profile.name}`, cancellable: true }, (_progress, token) => {
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    return runDoctor(model, profile.api, { cacheDir: defaultCapabilityCacheDir(), keyFor: () => apiKey, signal: abort.signal }, (m) => log.warn(m)).finally(() => cancel.dispose());
  });
  log.info(`checked ${model} (${profile.api}): ${report.verifiers.map((v) => `${v.verifier} ${v.verdict}`).join(', ')}`);
  const doc = await vscode.workspace.openTextDocument({ content: doctorMarkdown(report), language: 'markdown' });
  // The preview reads best; without the built-in Markdown extension, the text itself.
  try {
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  } catch {
    await vscode.window.showTextDocument(doc);
  }
}
