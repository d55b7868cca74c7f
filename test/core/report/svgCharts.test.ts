import assert from 'node:assert/strict';
import { histogramChart, kLineChart } from '../../../src/core/report/svgCharts';
import { balanceProblems } from './markupCheck';

describe('svg charts', () => {
  it('draws one bar per bin and class, each titled with its exact count', () => {
    const svg = histogramChart(
      [
        { lo: 0, hi: 0.5, correct: 3, incorrect: 1 },
        { lo: 0.5, hi: 1, correct: 0, incorrect: 7 },
      ],
      'mc',
    ).toString();
    assert.equal((svg.match(/<rect class="bar-ok"/g) ?? []).length, 2);
    assert.equal((svg.match(/<rect class="bar-bad"/g) ?? []).length, 2);
    assert.ok(svg.includes('<title>[0, 0.5): 3 correct</title>'));
    assert.ok(svg.includes('<title>[0.5, 1]: 7 incorrect</title>'));
    assert.deepEqual(balanceProblems(svg), []);
  });

  it('breaks a line where a value is missing instead of bridging it', () => {
    const svg = kLineChart([{ label: 'pass@k', cls: 'k-pass', values: [0.1, 0.2, null, 0.4, 0.5] }]).toString();
    assert.equal((svg.match(/<polyline /g) ?? []).length, 2);
    assert.equal((svg.match(/<circle /g) ?? []).length, 4);
    assert.ok(svg.includes('<title>pass@k at k=5: 0.5000</title>'));
    assert.deepEqual(balanceProblems(svg), []);
  });

  it('draws a single k as a point in the middle', () => {
    const svg = kLineChart([{ label: 'pass@k', cls: 'k-pass', values: [0.5] }]).toString();
    assert.equal((svg.match(/<polyline /g) ?? []).length, 0);
    assert.match(svg, /<circle class="dot k-pass" cx="336\.0"/);
  });

  it('labels the k axis with powers of two and the largest k', () => {
    const labels = (maxK: number): string[] => {
      const svg = kLineChart([{ label: 'p', cls: 'k-pass', values: Array.from({ length: maxK }, () => 0.5) }]).toString();
      return [...svg.matchAll(/<text class="tick" x="[\d.]+" y="236\.0" text-anchor="middle">(\d+)<\/text>/g)].map((m) => m[1] ?? '');
    };
    assert.deepEqual(labels(8), ['1', '2', '4', '8']);
    assert.deepEqual(labels(10), ['1', '2', '4', '8', '10']);
    // 128 and 130 would overlap: 128 is dropped.
    assert.deepEqual(labels(130), ['1', '2', '4', '8', '16', '32', '64', '130']);
  });
});
