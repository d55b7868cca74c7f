// Check Model…: `gaplens doctor` for a model profile — what its endpoint accepts, whether its
// logprobs are sound, which verifiers it can serve — shown as a Markdown preview. The same probe
// checks a profile being added (addProfile.ts).
import * as vscode from 'vscode';
import { doctorPassed, runDoctor, type DoctorReport } from '../../core/pipeline/doctor';
import { doctorMarkdown } from '../../core/report/doctorText';
import { defaultCapabilityCacheDir } from '../../core/util/cacheDir';
import { UserError } from '../../core/util/errors';
import { modelSpecOf, type ModelProfile } from '../config/settings';
import type { CommandContext } from './commandContext';
import { profileEntries } from './runPlan';

const TITLE = 'Gap Lens: Check Model';

export async function checkModel(ctx: CommandContext): Promise<void> {
  const profiles = ctx.workspace.profiles();
  if (profiles.length === 0) throw new UserError('no model profiles: add one with "Gap Lens: Add Model Profile…"');
  const profile = await ctx.prompter.pickOne(profileEntries(profiles, undefined), { title: TITLE, placeholder: 'Which model profile? (its endpoint is probed: a few small requests)' });
  if (!profile) return;
  const report = await probeModel(ctx, profile, await ctx.keys.forModel(modelSpecOf(profile)), TITLE);
  const doc = await vscode.workspace.openTextDocument({ content: doctorMarkdown(report), language: 'markdown' });
  // The preview reads best; without the built-in Markdown extension, the text itself.
  try {
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  } catch {
    await vscode.window.showTextDocument(doc);
  }
}

/** Runs the doctor on a profile's model under a cancellable progress notification, and logs the verdicts. */
export async function probeModel(ctx: CommandContext, profile: ModelProfile, apiKey: string | undefined, title: string): Promise<DoctorReport> {
  const model = modelSpecOf(profile);
  const { log } = ctx.services;
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${title}: ${profile.name}`, cancellable: true }, (_progress, token) => {
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    return runDoctor(model, profile.api, { cacheDir: defaultCapabilityCacheDir(), keyFor: () => apiKey, signal: abort.signal }, (m) => log.warn(m)).finally(() => cancel.dispose());
  });
  log.info(`checked ${model} (${profile.api}): ${doctorSummary(report)}`);
  return report;
}

/** The doctor's verdict in one line: the refusal, a failed logprob check, or what each verifier gets. */
export function doctorSummary(report: DoctorReport): string {
  if (report.apiRefused !== undefined) return `the endpoint does not serve the ${report.api} API (${report.apiRefused})`;
  const failed = report.conformance.filter((c) => c.ok === false).map((c) => `${c.check} check failed: ${c.detail}`);
  const verdicts = report.verifiers.map((v) => `${v.verifier} ${v.verdict}`).join(', ');
  return doctorPassed(report) ? verdicts : `${failed.join('; ')} (${verdicts})`;
}
