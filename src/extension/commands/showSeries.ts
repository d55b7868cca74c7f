// Show Self-Improvement Series: the runs picked in the runs tree (or from a list) as rounds linked by
// their lineage, in a page of their own — the same static page as `gaplens report --series --html`
// (scripts disabled: it sends no messages), so every number equals the CLI's.
import * as vscode from 'vscode';
import { seriesReport } from '../../core/pipeline/seriesReport';
import { renderSeriesHtml } from '../../core/report/seriesHtml';
import { runDirsArg } from './commandArgs';
import type { CommandContext } from './commandContext';
import { pickRunDirs, showStaticPage } from './runPages';

/** Task-bootstrap resamples and seed for the intervals, as `gaplens report --series` uses by default. */
const BOOTSTRAP = { resamples: 1000, seed: 0 };

export async function showSeries(ctx: CommandContext, args: readonly unknown[]): Promise<void> {
  const given = runDirsArg(args);
  const dirs = given.length >= 2 ? given : await pickRunDirs(ctx, given, { title: 'Gap Lens: Show Self-Improvement Series', placeholder: 'The runs of every round, in any order (each after the first started with --lineage)', needs: 'a series needs the runs of two or more rounds' });
  if (dirs === undefined) return;
  const series = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Gap Lens: reading the rounds' }, () =>
    // The series' own selector and filter: those of the export round 1 was trained on.
    seriesReport(dirs, { selector: undefined, filter: undefined, ...BOOTSTRAP, checkerCorrected: false }, (m) => ctx.services.log.warn(m)),
  );
  showStaticPage(ctx, 'gaplens.series', 'Gap Lens: Self-Improvement Series', () => renderSeriesHtml(series, new Date().toISOString()));
}
