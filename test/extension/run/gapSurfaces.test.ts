// One run, every surface that shows its gap: the panel header, the progress notification and the
// status bar (a LiveGap over the run model's rows, as the executor and the panel keep it), the runs
// tree (the run index), the task hover (the language server's cache) and the CLI progress line (fed
// record by record). Mid-run they once showed three different gaps; now they all read core's one
// assembly (liveGap.ts) and must agree with each other and with `gaplens report`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { gapText, LiveGap, LiveRecordGap } from '../../../src/core/pipeline/liveGap';
import { formatPoints } from '../../../src/core/report/numbers';
import { createRunFolder, readRun } from '../../../src/core/runs/runStore';
import { SampleLog } from '../../../src/core/runs/sampleLog';
import { toScoredSamples } from '../../../src/core/runs/scoredSamples';
import { computeReport } from '../../../src/core/stats/report';
import { gapInputOf, RunModel } from '../../../src/extension/panel/runModel';
import { RunIndex } from '../../../src/extension/run/runIndex';
import { runItemText } from '../../../src/extension/views/runItems';
import { statusView } from '../../../src/extension/views/statusText';
import { taskHoverMarkdown } from '../../../src/server/hover';
import { TaskResultsCache } from '../../../src/server/taskResults';
import { applyFilter } from '../../../webview/model/analysis';
import { buildDataset } from '../../../webview/model/dataset';
import { measureOf } from '../../../webview/model/restsOn';
import { SampleStore } from '../../../webview/model/sampleStore';
import { statCells } from '../../../webview/model/statsView';
import { selectorCoverage } from '../../../src/core/stats/coverage';
import { tempDir } from '../../helpers/cli';
import { config, generation, manifest, task, verification } from '../builders';

describe('the gap of one run on every surface', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it('mid-run, with a sample generated but not verified yet, every surface shows the same gap, and it is the report’s', async () => {
    // One task (so the hover's task gap is the run's gap), N = 4, mc under quantile:0.5: three samples
    // verified, the fourth generated and still waiting for its verification.
    const root = tmp.dir;
    const dir = join(root, 'mid');
    const T = task('a', '5');
    await createRunFolder(dir, manifest({ id: 'mid', config: config({ n: 4, verifiers: ['mc'], filter: 'quantile:0.5' }) }), [T]);
    const log = await SampleLog.open(dir);
    for (const r of [
      generation('a', 0, '5', true),
      verification('a', 0, 'mc', 0.9),
      generation('a', 1, '4', false),
      verification('a', 1, 'mc', 0.2),
      generation('a', 2, '3', false),
      verification('a', 2, 'mc', 0.4),
      generation('a', 3, '2', false),
    ])
      await log.append(r);
    await log.close();
    const run = await readRun(dir);

    // `gaplens report`: over every generated sample, the unverified one unscored (ranking lowest).
    const report = computeReport(toScoredSamples(run), { selector: parseSelector('mc'), filter: parseFilter('quantile:0.5'), bootstrap: { resamples: 0, seed: 0, level: 0.95 } });
    assert.ok(report.gap !== null && report.gap !== 0, 'the run must have a gap to compare');
    const expected = `gap ${formatPoints(report.gap)} (partial: 3 of 4 scored)`;

    // The progress notification and the status bar: the LiveGap the executor and the panel keep over the run model's rows.
    const model = RunModel.fromRun(run);
    const live = new LiveGap('mc', 'quantile:0.5');
    for (const row of model.allRows()) live.update(gapInputOf(row));
    assert.equal(gapText(live.reading()), expected);
    const status = statusView({ runId: 'mid', name: 'mid', dir, running: true, live: true, coverage: model.coverage(), gap: live.now() });
    assert.equal(status.text.split(' · ').at(-1), `gap ${formatPoints(report.gap)} (partial)`);
    assert.match(status.tooltip, new RegExp(`^${escape(expected)} \\(by mc, quantile:0\\.5\\)$`, 'm'));

    // The runs tree.
    const listing = await new RunIndex().read(dir);
    assert.equal(listing.gap && gapText(listing.gap.reading), expected);
    assert.match(runItemText(listing).description, new RegExp(` · ${escape(expected)} · `));

    // The task hover.
    const hover = taskHoverMarkdown(T, await new TaskResultsCache([root]).latest('a'));
    assert.match(hover, new RegExp(`; ${escape(expected)}\\)\n`));
    // …and the whole run's line under it (one task here: the same gap).
    assert.match(hover, new RegExp(`\nThe whole run \`mid\` \\(1 task, incomplete\\): ${escape(expected)} · \\[Open the run's panel\\]`));

    // The CLI progress line, fed record by record as the run appends them.
    const cli = new LiveRecordGap('mc', 'quantile:0.5');
    for (const g of run.generations.values()) cli.add(g);
    for (const byVerifier of run.verifications.values()) for (const v of byVerifier.values()) cli.add(v);
    assert.equal(gapText(cli.reading()), expected);

    // The panel header: the webview's own statistics over the same rows.
    const store = new SampleStore();
    store.reset({ run: model.summary, mode: model.mode });
    store.addSamples({ tasks: model.taskInfos(), rows: model.allRows() });
    const filtered = applyFilter(buildDataset(store, false), parseSelector('mc'), parseFilter('quantile:0.5'));
    const { stats, oracle } = filtered;
    assert.ok(stats && oracle);
    const measure = measureOf(selectorCoverage({ verifier: 'mc', samples: stats.samples, scored: stats.scored }, parseSelector('mc')), { coverage: model.coverage(), live: true });
    const gapCell = statCells({ stats, intervals: null, auroc: null, oracle: { stats: oracle.stats, intervals: null } }, measure).find((c) => c.key === 'gap');
    assert.equal(gapCell?.value, formatPoints(report.gap));
    assert.equal(gapCell?.partial, 'partial: mc scored 3 of 4');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
