import assert from 'node:assert/strict';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { computeReport } from '../../../src/core/stats/report';
import { statCells } from '../../../webview/model/statsView';
import { handSamples } from '../../core/stats/fixtures';

const MEASURED = { kind: 'measured' } as const;

describe('webview stats header text', () => {
  const report = computeReport(handSamples(), { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5'), bootstrap: { resamples: 50, seed: 1, level: 0.95 } });

  it('formats like the CLI: rates to 4 decimals, signed differences, intervals', () => {
    const cells = statCells({ stats: report, intervals: report.ci, auroc: report.auroc }, MEASURED);
    const byKey = Object.fromEntries(cells.map((c) => [c.key, c]));
    assert.equal(byKey.accuracy?.value, '0.5625');
    assert.equal(byKey.filteredAccuracy?.value, '0.6250');
    assert.equal(byKey.gap?.value, '+0.0625');
    assert.equal(byKey.relativeGap?.value, '+0.2222');
    assert.equal(byKey.retention?.value, '0.3750');
    assert.match(byKey.gap?.interval ?? '', /^\[[-+]?\d\.\d{4}, [-+]?\d\.\d{4}\]$/);
    assert.equal(byKey.retention?.interval, null);
    assert.match(byKey.relativeGap?.explanation ?? '', /1 task\(s\) with J\(f\|x\) = 1 excluded/);
  });

  it('marks pending intervals and undefined statistics', () => {
    const cells = statCells({ stats: { ...report, relativeGap: null }, intervals: null, auroc: null }, MEASURED);
    const byKey = Object.fromEntries(cells.map((c) => [c.key, c]));
    assert.equal(byKey.accuracy?.interval, 'pending');
    assert.equal(byKey.relativeGap?.value, '—');
    assert.equal(byKey.relativeGap?.interval, null);
    assert.equal(byKey.auroc?.value, '—');
    const empty = statCells({ stats: { ...report, accuracy: NaN, gap: NaN }, intervals: null, auroc: null }, MEASURED);
    assert.equal(empty.find((c) => c.key === 'accuracy')?.value, '—');
  });

  it('shows every verifier statistic as "—" with the reason when nothing is scored, never a number; accuracy stays', () => {
    const reason = 'not measured: mc scored 0 of 16 samples: 16 labels-absent';
    const cells = statCells({ stats: report, intervals: report.ci, auroc: report.auroc }, { kind: 'unmeasured', reason });
    const byKey = Object.fromEntries(cells.map((c) => [c.key, c]));
    for (const key of ['filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc']) {
      assert.deepEqual([byKey[key]?.value, byKey[key]?.interval, byKey[key]?.explanation], ['—', 'not measured', reason], key);
    }
    assert.equal(byKey.accuracy?.value, '0.5625');
  });

  it('puts the partial note beside every verifier statistic, and not beside the accuracy', () => {
    const cells = statCells({ stats: report, intervals: report.ci, auroc: report.auroc }, { kind: 'partial', note: 'partial: mc scored 15 of 16' });
    assert.deepEqual(
      cells.map((c) => [c.key, c.partial]),
      [['accuracy', null], ...['filteredAccuracy', 'gap', 'relativeGap', 'retention', 'auroc'].map((k) => [k, 'partial: mc scored 15 of 16'])],
    );
    assert.equal(cells.find((c) => c.key === 'gap')?.value, '+0.0625');
  });
});
