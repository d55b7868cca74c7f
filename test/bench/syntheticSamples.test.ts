import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSyntheticSamples } from '../../bench/lib/syntheticSamples';
import { readScoredSamplesFile } from '../../src/core/runs/scoredSamplesFile';

describe('bench syntheticSamples', () => {
  it('writes tasks × perTask valid samples that `gaplens report --samples` reads, the same for the same seed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gaplens-'));
    try {
      const file = path.join(dir, 's.jsonl');
      await writeSyntheticSamples(file, 300, 4);
      const samples = await readScoredSamplesFile(file);
      assert.equal(samples.length, 1200);
      assert.equal(new Set(samples.map((s) => s.task)).size, 300);
      assert.deepEqual(samples.slice(0, 4).map((s) => s.index), [0, 1, 2, 3]);
      const again = path.join(dir, 'again.jsonl');
      await writeSyntheticSamples(again, 300, 4);
      assert.deepEqual(await readScoredSamplesFile(again), samples);
      // The mc score leans towards correctness: correct samples score higher on average.
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      const score = (c: boolean): number => mean(samples.filter((s) => s.correct === c).map((s) => s.scores.mc as number));
      assert.ok(score(true) > score(false) + 0.1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
