import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MISSING_SCORE } from '../../../src/core/filter/columns';
import { aurcLayout, CHUNK_BLOCKS, ENTRY_MAX_ROWS, ResampledAurc } from '../../../src/core/stats/resampledAurc';
import { HarmonicNumbers, riskCoverage, ScoreRanking } from '../../../src/core/stats/riskCoverage';
import { createRng } from '../../../src/core/util/random';

/** Rows task by task: sizes[t] rows of task t, scores and correctness from the functions. */
function rows(sizes: readonly number[], score: (row: number) => number, correct: (row: number) => boolean) {
  const starts = new Int32Array(sizes.length + 1);
  sizes.forEach((n, t) => (starts[t + 1] = (starts[t] as number) + n));
  const total = starts[sizes.length] as number;
  const scores = Float64Array.from({ length: total }, (_, r) => score(r));
  const ranking = new ScoreRanking(scores);
  return { starts, scores, ranking, correct: Uint8Array.from({ length: total }, (_, r) => (correct(r) ? 1 : 0)) };
}

/** The row-by-row AURC: riskCoverage with every row counted as often as its task was drawn. */
function rowByRow(data: ReturnType<typeof rows>, counts: Int32Array): number | null {
  const multiplicity = new Int32Array(data.correct.length);
  for (let t = 0; t + 1 < data.starts.length; t++) multiplicity.fill(counts[t] as number, data.starts[t], data.starts[t + 1]);
  return riskCoverage(data.ranking, data.correct, multiplicity)?.aurc ?? null;
}

function resampleCounts(tasks: number, seed: string): Int32Array {
  const rng = createRng(seed);
  const counts = new Int32Array(tasks);
  for (let i = 0; i < tasks; i++) {
    const t = rng.int(tasks);
    counts[t] = (counts[t] as number) + 1;
  }
  return counts;
}

function resampled(data: ReturnType<typeof rows>, counts: Int32Array): number | null {
  let samples = 0;
  for (let t = 0; t < counts.length; t++) samples += (counts[t] as number) * ((data.starts[t + 1] as number) - (data.starts[t] as number));
  return new ResampledAurc(aurcLayout(data.ranking, data.starts, data.correct)).aurc(counts, samples, new HarmonicNumbers());
}

describe('ResampledAurc', () => {
  it('equals the row-by-row AURC bit for bit over several chunks of tie blocks', () => {
    // 9,000 tasks × 5 rows with nearly distinct scores: about 45,000 blocks, three chunks.
    const rng = createRng('chunks');
    const data = rows(new Array(9000).fill(5), () => Math.round(rng.next() * 1e6) / 1e6, () => rng.next() < 0.4);
    assert.ok(data.ranking.blockEnds.length > 2 * CHUNK_BLOCKS);
    for (const seed of ['a', 'b']) {
      const counts = resampleCounts(9000, seed);
      assert.equal(resampled(data, counts), rowByRow(data, counts));
    }
  });

  it('splits a task with more than 255 rows in one tie block into several entries, with the same AURC', () => {
    // A binary score: task 0 has 700 rows of score 1, so it needs ⌈700/255⌉ = 3 entries in that block.
    const sizes = [700, 3, 40, 1];
    const data = rows(sizes, (r) => (r < 700 || r % 3 === 0 ? 1 : 0), (r) => r % 4 !== 1);
    const layout = new ResampledAurc(aurcLayout(data.ranking, data.starts, data.correct));
    const task0 = [...layout.entryTask].filter((t) => t === 0).length;
    assert.equal(task0, 3);
    for (const code of layout.entryCode) assert.ok(((code >>> 8) & 0xff) <= ENTRY_MAX_ROWS && (code & 0xff) <= ((code >>> 8) & 0xff));
    for (const counts of [Int32Array.of(1, 1, 1, 1), Int32Array.of(3, 0, 1, 0), Int32Array.of(0, 2, 2, 0)]) {
      assert.equal(resampled(data, counts), rowByRow(data, counts));
    }
  });

  it('orders the entries by chunk, then task, and covers every row once up to the last block with an incorrect row', () => {
    const rng = createRng('layout');
    const sizes = Array.from({ length: 4000 }, () => 1 + rng.int(9));
    const data = rows(sizes, () => (rng.next() < 0.1 ? MISSING_SCORE : Math.round(rng.next() * 5e4) / 5e4), () => rng.next() < 0.5);
    const layout = new ResampledAurc(aurcLayout(data.ranking, data.starts, data.correct));
    let covered = 0;
    for (let k = 0; k + 1 < layout.chunkStarts.length; k++) {
      for (let i = layout.chunkStarts[k] as number; i < (layout.chunkStarts[k + 1] as number); i++) {
        if (i > (layout.chunkStarts[k] as number)) assert.ok((layout.entryTask[i] as number) >= (layout.entryTask[i - 1] as number));
        covered += ((layout.entryCode[i] as number) >>> 8) & 0xff;
      }
    }
    // The slots are the blocks with an incorrect row; the rows ranked after the last of them move nothing.
    const { order, blockEnds } = data.ranking;
    const withError = [...blockEnds].filter((end, b) => order.subarray(b === 0 ? 0 : blockEnds[b - 1], end).some((row) => data.correct[row] === 0));
    assert.equal(layout.slots, withError.length);
    assert.equal(covered, withError.at(-1));
    assert.equal(layout.chunkStarts.length - 1, Math.ceil(layout.slots / CHUNK_BLOCKS));
  });

  it('sweeps only the blocks with an incorrect row: runs of error-free blocks, one-task and shared blocks, equal the row-by-row AURC bit for bit', () => {
    // Scores from 12 values over up to 8 tasks: blocks of one task (the precomputed e/n) and shared ones
    // (divided per resample), error-free runs between them and after the last error (left out).
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.record({ score: fc.integer({ min: 0, max: 11 }), correct: fc.boolean() }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(3), { minLength: 8, maxLength: 8 }),
        (tasks, draws) => {
          const flat = tasks.flat();
          const data = rows(tasks.map((t) => t.length), (r) => ((flat[r]?.score as number) === 11 ? MISSING_SCORE : (flat[r]?.score as number) / 10), (r) => flat[r]?.correct === true);
          const counts = Int32Array.from(tasks, (_, t) => draws[t] as number);
          assert.equal(resampled(data, counts), rowByRow(data, counts));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('an error-free ranking has no slot: every resample has AURC 0', () => {
    const data = rows([3, 2], (r) => r / 5, () => true);
    const layout = new ResampledAurc(aurcLayout(data.ranking, data.starts, data.correct));
    assert.equal(layout.slots, 0);
    assert.equal(layout.entryTask.length, 0);
    assert.equal(resampled(data, Int32Array.of(2, 1)), 0);
    assert.equal(rowByRow(data, Int32Array.of(2, 1)), 0);
  });

  it('equals the row-by-row AURC on small tied runs with any counts, and is null when nothing is drawn', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.record({ score: fc.constantFrom(0, 0.5, 1, MISSING_SCORE), correct: fc.boolean() }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(4), { minLength: 5, maxLength: 5 }),
        (tasks, draws) => {
          const flat = tasks.flat();
          const data = rows(tasks.map((t) => t.length), (r) => flat[r]?.score as number, (r) => flat[r]?.correct === true);
          const counts = Int32Array.from(tasks, (_, t) => draws[t] as number);
          assert.equal(resampled(data, counts), rowByRow(data, counts));
        },
      ),
    );
    const data = rows([2, 3], (r) => r / 5, (r) => r % 2 === 0);
    assert.equal(resampled(data, Int32Array.of(0, 0)), null);
  });
});
