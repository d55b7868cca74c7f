import assert from 'node:assert/strict';
import {
  degenerateReason,
  formatAmount,
  formatEss,
  formatIn,
  formatInterval,
  formatIntervalIn,
  formatLevel,
  formatPercent,
  formatPoints,
  formatRate,
  formatShort,
  formatSigned,
} from '../../../src/core/report/numbers';

describe('report number formatting', () => {
  it('shows scores and weights as fractions with four decimals', () => {
    assert.equal(formatRate(0.5), '0.5000');
    assert.equal(formatRate(2 / 3), '0.6667');
    assert.equal(formatRate(1), '1.0000');
  });

  it('shows accuracies in percent and gaps in percentage points, two decimals (the paper\'s units)', () => {
    assert.equal(formatPercent(0.2158), '21.58 %');
    assert.equal(formatPercent(1), '100.00 %');
    assert.equal(formatPercent(0), '0.00 %');
    assert.equal(formatPoints(0.03125), '+3.13 pp', 'toFixed rounds the exact tie 3.125 up');
    assert.equal(formatPoints(-0.005), '\u22120.50 pp');
    assert.equal(formatPoints(0), '0.00 pp');
    assert.equal(formatIn(-0.125, 'signed-percent'), '\u221212.50 %');
    assert.equal(formatIn(0.75, 'rate'), '0.7500');
  });

  it('signs differences with U+2212, but not zero; a tiny loss stays visibly a loss', () => {
    assert.equal(formatSigned(0.125), '+0.1250');
    assert.equal(formatSigned(-0.05), '\u22120.0500');
    assert.equal(formatSigned(0), '0.0000');
    assert.equal(formatSigned(-0), '0.0000');
    assert.equal(formatSigned(-0.00001), '\u22120.0000');
    assert.equal(formatPoints(-0.000001), '\u22120.00 pp');
  });

  it('formats intervals in their unit, the unit once after the bracket', () => {
    assert.equal(formatInterval([0.25, 0.5], false), '[0.2500, 0.5000]');
    assert.equal(formatInterval([-0.0625, 0.25], true), '[\u22120.0625, +0.2500]');
    assert.equal(formatIntervalIn([0.201, 0.2305], 'percent', 40), '[20.10, 23.05] %');
    assert.equal(formatIntervalIn([-0.01, 0.05], 'points', 40), '[\u22121.00, +5.00] pp');
  });

  it('never shows a degenerate interval as if it were certain', () => {
    // The old panel showed "+0.5000 [+0.5000, +0.5000]" for a one-task run.
    assert.equal(formatIntervalIn([0.5, 0.5], 'points', 1), 'n/a (1 task)');
    assert.equal(formatIntervalIn([0.1, 0.3], 'points', 1), 'n/a (1 task)', 'one task: whatever the ends, the bootstrap could not vary');
    assert.equal(formatIntervalIn([0, 0], 'points', 0), 'n/a (no task)');
    assert.equal(formatIntervalIn([0.25, 0.25], 'percent', 40), 'n/a (every resample gives the same value)');
    assert.equal(formatIntervalIn([0.25, 0.25], 'points', 40, 0), 'n/a (0 resamples)');
    assert.equal(degenerateReason([0.2, 0.3], 40, 1000), null);
  });

  it('shows whole weight sums as integers and fractional ones like rates', () => {
    assert.equal(formatAmount(12), '12');
    assert.equal(formatAmount(0), '0');
    assert.equal(formatAmount(2.71828), '2.7183');
  });

  it('shows an effective sample size with one decimal beside its sample count', () => {
    assert.equal(formatEss(12.34, 320), '12.3 of 320');
    assert.equal(formatEss(8, 8), '8.0 of 8');
  });

  it('shortens bin edges and confidence levels', () => {
    assert.equal(formatShort(0), '0');
    assert.equal(formatShort(0.25), '0.25');
    assert.equal(formatShort(1 / 3), '0.3333');
    assert.equal(formatLevel(0.95), '95 %');
    assert.equal(formatLevel(0.9), '90 %');
  });
});
