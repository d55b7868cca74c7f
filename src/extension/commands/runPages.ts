// What the commands that show several runs in a page of their own share (Compare Runs…, Show
// Self-Improvement Series): picking the runs, and a static page (scripts disabled, no messages).
import * as vscode from 'vscode';
import { UserError } from '../../core/util/errors';
import { runItemText } from '../views/runItems';
import type { CommandContext } from './commandContext';

/** Asks for two or more run folders of the runs folders, `preselected` ticked; `needs` ends the error when there are fewer. */
export async function pickRunDirs(ctx: CommandContext, preselected: readonly string[], ask: { title: string; placeholder: string; needs: string }): Promise<string[] | undefined> {
  const runs = await ctx.runs.list(ctx.workspace.runsRoots(), (m) => ctx.services.log.warn(m));
  if (runs.length < 2) throw new UserError(`there ${runs.length === 1 ? 'is one run' : 'are no runs'} in the runs folder; ${ask.needs}`);
  return ctx.prompter.pickMany(
    runs.map((r) => {
      const text = runItemText(r);
      return { label: text.label, description: text.description, detail: ctx.workspace.display(r.dir), picked: preselected.includes(r.dir), value: r.dir };
    }),
    { title: ask.title, placeholder: ask.placeholder },
  );
}

/**
 * A page of its own with scripts disabled; `html` gets the webview's CSP source. Command links are
 * disabled too, but for the `commands` named (their handlers validate the links' arguments).
 */
export function showStaticPage(ctx: CommandContext, viewType: string, title: string, html: (cspSource: string) => string, commands: readonly string[] = []): void {
  const panel = vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, {
    enableScripts: false,
    enableCommandUris: commands.length > 0 ? commands : false,
    localResourceRoots: [],
  });
  ctx.ownPanel(panel);
  panel.iconPath = vscode.Uri.joinPath(ctx.services.context.extensionUri, 'media', 'icon.png');
  panel.webview.html = html(panel.webview.cspSource);
}
