// Properties that must hold for every run, whatever the data.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { computeReport } from '../../../src/core/stats/report';
import type { ScoredSample } from '../../../src/core/stats/types';
import { runArb } from './fixtures';

const noBootstrap = { resamples: 0, seed: 0, level: 0.95 };
const quantile = fc.double({ min: 0, max: 1, noNaN: true }).map((q) => `quantile:${q}`);
const threshold = fc.double({ min: 0, max: 1, noNaN: true }).map((t) => `threshold:${t}`);
const topk = fc.integer({ min: 1, max: 10 }).map((k) => `topk:${k}`);
const exp = fc.double({ min: 1e-3, max: 10, noNaN: true }).map((b) => `exp:${b}`);
const withMc = (samples: ScoredSample[], mc: (s: ScoredSample) => number | null): ScoredSample[] => samples.map((s) => ({ ...s, scores: { mc: mc(s) } }));
const report = (samples: ScoredSample[], filter: string) =>
  computeReport(samples, { selector: parseSelector('mc'), filter: parseFilter(filter), bootstrap: noBootstrap });

describe('gap properties', () => {
  it('an oracle verifier (score = correctness) never has a negative gap under quantile, threshold or topk', () => {
    fc.assert(
      fc.property(runArb, fc.oneof(quantile, threshold, topk), (samples, filter) => {
        const r = report(withMc(samples, (s) => (s.correct ? 1 : 0)), filter);
        assert.ok(r.gap !== null && r.gap >= 0, `gap ${r.gap}`);
        for (const t of r.perTask) assert.ok(t.filteredAccuracy !== null && t.filteredAccuracy >= t.accuracy, t.task);
      }),
    );
  });

  it('a constant verifier gives exactly zero gap under quantile, threshold and exp', () => {
    fc.assert(
      fc.property(runArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.oneof(quantile, threshold, exp), (samples, c, filter) => {
        assert.equal(report(withMc(samples, () => c), filter).gap, 0);
      }),
    );
  });

  it('a quantile filter keeps at least one sample of every task that has a score', () => {
    fc.assert(
      fc.property(runArb, quantile, (samples, filter) => {
        fc.pre(samples.some((s) => typeof s.scores.mc === 'number'));
        const r = report(samples, filter);
        for (const t of r.perTask) {
          const scored = samples.some((s) => s.task === t.task && s.scores.mc !== null && s.scores.mc !== undefined);
          assert.equal(t.nothingKept, !scored, t.task);
          if (scored) assert.ok(t.kept !== null && t.kept >= 1);
        }
      }),
    );
  });

  it('gap, retention and rates stay in range; with no mc score at all they are not measured (null)', () => {
    fc.assert(
      fc.property(runArb, fc.oneof(quantile, threshold, topk, exp), (samples, filter) => {
        const r = report(samples, filter);
        assert.equal(r.scored, samples.filter((s) => typeof s.scores.mc === 'number').length);
        if (r.scored === 0) {
          for (const value of [r.filteredAccuracy, r.gap, r.relativeGap, r.retention, r.confusion, r.precision, r.recall, r.auroc, r.bestOfK, r.tasksNothingKept, r.ci.gap, r.ci.filteredAccuracy, r.ci.relativeGap]) {
            assert.equal(value, null);
          }
          assert.ok(r.perTask.every((t) => t.filteredAccuracy === null && t.kept === null && t.nothingKept === null));
          return;
        }
        assert.ok(r.gap !== null && r.gap >= -1 && r.gap <= 1);
        assert.ok(r.retention !== null && r.retention >= 0 && r.retention <= 1);
        const bestOfK = r.bestOfK ?? [];
        for (const v of [...r.passAtK, ...bestOfK, r.auroc ?? 0, r.precision ?? 0, r.recall ?? 0]) assert.ok(v >= 0 && v <= 1 + 1e-12);
        for (let k = 1; k < r.passAtK.length; k++) assert.ok((r.passAtK[k] as number) >= (r.passAtK[k - 1] as number) - 1e-12);
        assert.ok(Math.abs((r.passAtK[0] as number) - r.accuracy) < 1e-12 && Math.abs((bestOfK[0] as number) - r.accuracy) < 1e-12);
      }),
    );
  });
});
