// The doctor's probe of a profile's model (`gaplens doctor`: what its endpoint accepts, whether its
// logprobs are sound, which verifiers it can serve), shared by Check Model… and Add Model Profile….
import * as vscode from 'vscode';
import { doctorPassed, runDoctor, type DoctorReport } from '../../core/pipeline/doctor';
import { defaultCapabilityCacheDir } from '../../core/util/cacheDir';
import { modelSpecOf, type ModelProfile } from '../config/settings';
import type { CommandContext } from './commandContext';

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
