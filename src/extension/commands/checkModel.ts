// Check Model…: `gaplens doctor` for a model profile — what its endpoint accepts, whether its
// logprobs are sound, which verifiers it can serve — shown as a Markdown preview. Its profile
// question is Run Gap Check's (askProfile): a profile can be added there, and is then checked.
import * as vscode from 'vscode';
import { doctorMarkdown } from '../../core/report/doctorText';
import { modelSpecOf } from '../config/settings';
import { profileQuestionHelp } from './addProfile';
import type { CommandContext } from './commandContext';
import { probeModel } from './modelProbe';
import { askProfile } from './runPlan';

const TITLE = 'Gap Lens: Check Model';

export async function checkModel(ctx: CommandContext): Promise<void> {
  const profiles = [...ctx.workspace.profiles()];
  const profile = await askProfile(ctx.prompter, profiles, { ...profileQuestionHelp(ctx, undefined), title: TITLE, placeholder: 'Which model profile? (its endpoint is probed: a few small requests)' });
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
