import assert from 'node:assert/strict';
import { formatAmount, formatInterval, formatLevel, formatRate, formatShort, formatSigned } from '../../../src/core/report/numbers';

describe('report number formatting', () => {
  it('shows rates with four decimals', () => {
    assert.equal(formatRate(0.5), '0.5000');
    assert.equal(formatRate(2 / 3), '0.6667');
    assert.equal(formatRate(1), '1.0000');
  });

  it('signs differences, but not zero', () => {
    assert.equal(formatSigned(0.125), '+0.1250');
    assert.equal(formatSigned(-0.05), '-0.0500');
    assert.equal(formatSigned(0), '0.0000');
    assert.equal(formatSigned(-0), '0.0000');
    // A tiny negative gap stays visibly negative rather than pretending to be zero.
    assert.equal(formatSigned(-0.00001), '-0.0000');
  });

  it('formats intervals plain or signed', () => {
    assert.equal(formatInterval([0.25, 0.5], false), '[0.2500, 0.5000]');
    assert.equal(formatInterval([-0.0625, 0.25], true), '[-0.0625, +0.2500]');
  });

  it('shows whole weight sums as integers and fractional ones like rates', () => {
    assert.equal(formatAmount(12), '12');
    assert.equal(formatAmount(0), '0');
    assert.equal(formatAmount(2.71828), '2.7183');
  });

  it('shortens bin edges and confidence levels', () => {
    assert.equal(formatShort(0), '0');
    assert.equal(formatShort(0.25), '0.25');
    assert.equal(formatShort(1 / 3), '0.3333');
    assert.equal(formatLevel(0.95), '95 %');
    assert.equal(formatLevel(0.9), '90 %');
  });
});
