import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { computeReport } from '../../../src/core/stats/report';
import { applyFilter, oracleBootstrap } from '../../../webview/model/analysis';
import type { OracleTasks } from '../../../src/core/stats/oracle';
import { DEFAULT_BOOTSTRAP } from '../../../src/core/stats/bootstrap';
import { buildDataset } from '../../../webview/model/dataset';
import { confusionCells, confusionWeights, statCells } from '../../../webview/model/statsView';
import { storeOf } from '../storeFixtures';
import { formatIntervalIn } from '../../../src/core/report/numbers';
import { handSamples } from '../../core/stats/fixtures';

const MEASURED = { kind: 'measured' } as const;
const HAND = buildDataset(storeOf(handSamples()), false);
/** The oracle cards' input of the hand set at threshold:0.5, intervals not drawn yet. */
const ORACLE = { stats: (applyFilter(HAND, parseSelector('mc'), parseFilter('threshold:0.5')).oracle as OracleTasks).stats, intervals: null };

describe('webview stats header text', () => {
  const report = computeReport(handSamples(), { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5'), bootstrap: { resamples: 50, seed: 1, level: 0.95 } });

  it('formats like the CLI: accuracies in percent, the gap in points, two decimals; AUROC a fraction', () => {
    const cells = statCells({ stats: report, intervals: report.ci, auroc: report.auroc, oracle: ORACLE }, MEASURED);
    const byKey = Object.fromEntries(cells.map((c) => [c.key, c]));
    assert.equal(byKey.accuracy?.value, '56.25 %');
    assert.equal(byKey.filteredAccuracy?.value, '62.50 %');
    assert.equal(byKey.gap?.value, '+6.25 pp');
    assert.equal(byKey.relativeGap?.value, '+22.22 %');
    assert.equal(byKey.retention?.value, '37.50 %');
    assert.match(byKey.auroc?.value ?? '', /^\d\.\d{4}$/);
    assert.match(byKey.gap?.interval ?? '', /^\[[−+]?\d+\.\d\d, [−+]?\d+\.\d\d\] pp$/);
    assert.match(byKey.accuracy?.interval ?? '', /^\[\d+\.\d\d, \d+\.\d\d\] %$/);
    assert.equal(byKey.retention?.interval, null);
    assert.match(byKey.relativeGap?.explanation ?? '', /1 task\(s\) with J\(f\|x\) = 1 excluded/);
  });

  it('marks pending intervals and undefined statistics', () => {
    const cells = statCells({ stats: { ...report, relativeGap: null }, intervals: null, auroc: null, oracle: ORACLE }, MEASURED);
    const byKey = Object.fromEntries(cells.map((c) => [c.key, c]));
    assert.equal(byKey.accuracy?.interval, 'pending');
    assert.equal(byKey.relativeGap?.value, '—');
    assert.equal(byKey.relativeGap?.interval, null);
    assert.equal(byKey.auroc?.value, '—');
    const empty = statCells({ stats: { ...report, accuracy: NaN, gap: NaN }, intervals: null, auroc: null, oracle: ORACLE }, MEASURED);
    assert.equal(empty.find((c) => c.key === 'accuracy')?.value, '—');
  });

  it('shows every verifier statistic as "—" with the reason when nothing is scored, never a number; accuracy stays', () => {
    const reason = 'not measured: mc scored 0 of 16 samples: 16 labels-absent';
    const cells = statCells({ stats: report, intervals: report.ci, auroc: report.auroc, oracle: ORACLE }, { kind: 'unmeasured', reason });
    const byKey = Object.fromEntries(cells.map((c) => [c.key, c]));
    for (const key of ['filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc']) {
      assert.deepEqual([byKey[key]?.value, byKey[key]?.interval, byKey[key]?.explanation], ['—', 'not measured', reason], key);
    }
    assert.equal(byKey.accuracy?.value, '56.25 %');
  });

  it('puts the partial note beside every verifier statistic, and not beside the accuracy', () => {
    const cells = statCells({ stats: report, intervals: report.ci, auroc: report.auroc, oracle: ORACLE }, { kind: 'partial', note: 'partial: mc scored 15 of 16' });
    assert.deepEqual(
      cells.map((c) => [c.key, c.partial]),
      [['accuracy', null], ...['filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc'].map((k) => [k, 'partial: mc scored 15 of 16']), ['oracleFilteredAccuracy', null], ['oracleGap', null]],
    );
    assert.equal(cells.find((c) => c.key === 'gap')?.value, '+6.25 pp');
  });

  it('shows the oracle line as gaplens report computes it, intervals included, also when the verifier scored nothing', () => {
    const full = computeReport(handSamples(), { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5') });
    const fr = applyFilter(HAND, parseSelector('mc'), parseFilter('threshold:0.5'));
    const drawn = oracleBootstrap(fr, DEFAULT_BOOTSTRAP);
    assert.ok(drawn && fr.oracle);
    drawn.advance(DEFAULT_BOOTSTRAP.resamples);
    const input = { stats: full, intervals: full.ci, auroc: full.auroc, oracle: { stats: fr.oracle.stats, intervals: drawn.intervals() } };
    for (const measure of [MEASURED, { kind: 'unmeasured', reason: 'not measured: mc scored 0 of 16 samples' } as const]) {
      const byKey = Object.fromEntries(statCells(input, measure).map((c) => [c.key, c]));
      // Hand set (fixtures.ts): the checker keeps A ✓✓ → 1, B ✓✓ → 1, C ✓✓✓✓ → 1, D ✓ → 1: oracle J = 1, gap 1 − 0.5625.
      assert.equal(byKey.oracleFilteredAccuracy?.value, '100.00 %');
      assert.equal(byKey.oracleGap?.value, '+43.75 pp');
      assert.equal(byKey.oracleGap?.interval, formatIntervalIn(full.oracle.ci.gap, 'points', full.tasks));
      assert.equal(byKey.oracleFilteredAccuracy?.interval, formatIntervalIn(full.oracle.ci.filteredAccuracy, 'percent', full.tasks));
    }
  });

  it('never shows a one-task or zero-width interval as if it were certain', () => {
    // The old header showed "+0.5000 [+0.5000, +0.5000]" for a one-task run.
    const one = statCells({ stats: { ...report, tasks: 1 }, intervals: { ...report.ci, gap: [0.5, 0.5] }, auroc: report.auroc, oracle: ORACLE }, MEASURED);
    assert.equal(one.find((c) => c.key === 'gap')?.interval, 'n/a (1 task)');
    assert.equal(one.find((c) => c.key === 'accuracy')?.interval, 'n/a (1 task)');
    const flat = statCells({ stats: report, intervals: { ...report.ci, gap: [0, 0] }, auroc: report.auroc, oracle: ORACLE }, MEASURED);
    assert.equal(flat.find((c) => c.key === 'gap')?.interval, 'n/a (every resample gives the same value)');
  });

  it('tells the confusion box in kept/dropped counts under a binary filter, in weights and ESS under exp:β', () => {
    const c = report.confusion;
    assert.deepEqual(
      confusionCells(report, null).map((cell) => [cell.label, cell.value]),
      [['kept ✓', String(c?.keptCorrect)], ['kept ✗', String(c?.keptWrong)], ['dropped ✓', String(c?.droppedCorrect)], ['dropped ✗', String(c?.droppedWrong)]],
    );
    const ds = buildDataset(storeOf(handSamples()), false);
    const fr = applyFilter(ds, parseSelector('mc'), parseFilter('exp:0.1'));
    const weights = confusionWeights(ds, fr);
    assert.ok(weights);
    let onCorrect = 0;
    let onWrong = 0;
    let squares = 0;
    ds.slots.forEach((_, row) => {
      const w = fr.weights[row] as number;
      if (ds.correct[row] === 1) onCorrect += w;
      else onWrong += w;
      squares += w * w;
    });
    assert.ok(Math.abs(weights.onCorrect - onCorrect) < 1e-12 && Math.abs(weights.onWrong - onWrong) < 1e-12);
    assert.ok(Math.abs(weights.ess - (onCorrect + onWrong) ** 2 / squares) < 1e-9, 'Kish: (Σw)² / Σw²');
    assert.deepEqual(
      confusionCells(report, weights).map((cell) => cell.label),
      ['weight on ✓', 'weight on ✗', 'ESS (Kish)'],
    );
    assert.equal(confusionWeights(ds, applyFilter(ds, parseSelector('mc'), parseFilter('threshold:0.5'))), null, 'binary filters keep their counts');
  });
});
