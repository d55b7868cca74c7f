// Add Model Profile… (also "Add a model profile…" in the profile question of Run Gap Check… and
// Check Model…): asks for the profile (newProfile.ts), checks its model, stores a typed key in the OS
// keychain and appends the profile to the user's or the workspace's gaplens.modelProfiles.
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { doctorPassed } from '../../core/pipeline/doctor';
import { BackendError } from '../../core/llm/backend';
import { UserError } from '../../core/util/errors';
import { modelSpecOf, type ModelProfile } from '../config/settings';
import type { SettingsTarget } from '../config/workspaceSettings';
import type { CommandContext } from './commandContext';
import { doctorSummary, probeModel } from './modelProbe';
import { ADD_PROFILE_TITLE, askNewProfile, type ProfileCheck } from './newProfile';
import type { ProfileQuestion } from './runPlan';

/** Asks for a profile, saves it and returns it; undefined when the user cancels. */
export async function addModelProfile(ctx: CommandContext): Promise<ModelProfile | undefined> {
  const added = await askNewProfile(ctx.prompter, {
    names: ctx.workspace.profiles().map((p) => p.name),
    check: (profile, apiKey) => checkProfile(ctx, profile, apiKey),
    showLog: () => ctx.services.log.show(),
    hasKey: async (baseUrl) => (await ctx.keys.get(baseUrl)) !== undefined,
    targets: saveTargets(ctx),
  });
  if (!added) return undefined;
  const { profile, apiKey, target } = added;
  if (apiKey !== undefined && profile.backend === 'openai') for (const baseUrl of profile.baseUrls) await ctx.keys.set(baseUrl, apiKey);
  await saveProfile(ctx, profile, target);
  return profile;
}

/**
 * What the profile question offers beside the profiles, in both commands that ask it: "Add a model
 * profile…", and in Restricted Mode what is ignored of the workspace near `near`, with Manage Workspace Trust.
 */
export function profileQuestionHelp(ctx: CommandContext, near: string | undefined): Pick<ProfileQuestion, 'addProfile' | 'restrictedNote' | 'manageTrust'> {
  const note = ctx.workspace.restrictedNote(near);
  return {
    addProfile: () => addModelProfile(ctx),
    ...(note !== undefined ? { restrictedNote: note, manageTrust: () => void vscode.commands.executeCommand('workbench.trust.manage') } : {}),
  };
}

/** Appends the profile to the settings of `target`, and says where it went. */
export async function saveProfile(ctx: CommandContext, profile: ModelProfile, target: SettingsTarget): Promise<void> {
  await ctx.workspace.addProfile(profile, target);
  const where = target === 'user' ? 'your user settings' : "the workspace's settings";
  ctx.services.log.info(`added the model profile "${profile.name}" to ${where} (gaplens.modelProfiles)`);
  void vscode.window.showInformationMessage(`Gap Lens: added the model profile "${profile.name}" to ${where}.`);
}

/** User settings always; the workspace's only when it is trusted (Restricted Mode would ignore the profile there). */
function saveTargets(ctx: CommandContext): { target: SettingsTarget; description: string }[] {
  const hidden = ctx.workspace.workspaceHasProfiles() ? "; this workspace's own gaplens.modelProfiles replaces them here" : '';
  const user = { target: 'user' as const, description: `every workspace on this computer${hidden}` };
  if (!vscode.workspace.isTrusted || (vscode.workspace.workspaceFolders ?? []).length === 0) return [user];
  return [user, { target: 'workspace', description: 'this workspace only, shared with its folder (.vscode/settings.json)' }];
}

async function checkProfile(ctx: CommandContext, profile: ModelProfile, apiKey: string | undefined): Promise<ProfileCheck> {
  try {
    if (profile.backend === 'llama') return await ggufCheck(profile.modelPath ?? '');
    const report = await probeModel(ctx, profile, apiKey ?? (await ctx.keys.forModel(modelSpecOf(profile))), ADD_PROFILE_TITLE);
    return { ok: doctorPassed(report), summary: doctorSummary(report) };
  } catch (err) {
    const known = err instanceof UserError || err instanceof BackendError;
    ctx.services.log.warn(`checking the profile "${profile.name}" failed: ${err instanceof Error ? (known ? err.message : (err.stack ?? err.message)) : String(err)}`);
    return { ok: false, summary: err instanceof Error ? err.message : String(err) };
  }
}

/** A GGUF model file begins with the magic bytes "GGUF": enough to catch a wrong file before a run loads it. */
export async function ggufCheck(path: string): Promise<ProfileCheck> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await file.read(head, 0, 4, 0);
    const size = (await stat(path)).size;
    if (bytesRead < 4 || head.toString('latin1') !== 'GGUF') return { ok: false, summary: `${basename(path)} is not a GGUF model (it does not begin with "GGUF")` };
    return { ok: true, summary: `${basename(path)} is a GGUF model file (${(size / 1e6).toFixed(1)} MB)` };
  } finally {
    await file.close();
  }
}
