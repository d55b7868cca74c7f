import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { assessRunColumns, assessRunReport } from '../../../src/core/pipeline/runReport';
import { columnsPool, readRunColumns } from '../../../src/core/runs/runColumns';
import { readRun } from '../../../src/core/runs/runStore';
import { toScoredSamples } from '../../../src/core/runs/scoredSamples';
import { tempDir } from '../../helpers/cli';
import { generation, jsonl, newRun, verification } from '../runs/runFixtures';

describe('assessRunReport', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  /** t1's 4 samples generated and scored by mc; t2, q#3 and every cot-score verdict still to come. */
  async function halfDoneRun(): Promise<string> {
    const dir = await newRun(parent); // 3 tasks × 4 samples, verifiers mc and cot-score
    writeFileSync(join(dir, 'samples.jsonl'), jsonl([0, 1, 2, 3].flatMap((i) => [generation('t1', i, i < 2), verification('t1', i, 'mc', i < 2 ? 0.8 : 0.3)])));
    return dir;
  }

  it('is live only when told so, and then draws no conclusion', async () => {
    const run = await readRun(await halfDoneRun());
    const opts = { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5'), resamples: 10, seed: 0 };
    const live = assessRunReport(run, toScoredSamples(run), opts, true);
    assert.deepEqual(live.state, { complete: false, live: true });
    assert.deepEqual(live.conclusion.reasons.slice(0, 2), ['the run is incomplete (1 of 3 tasks generated)', 'the run is live (a writer is still adding records)']);
    assert.equal(assessRunReport(run, toScoredSamples(run), opts, false).state.live, false);
  });

  it('is the same report, to the bit, when the run is read as columns', async () => {
    const dir = await halfDoneRun();
    writeFileSync(join(dir, 'samples.jsonl'), jsonl([0, 1, 2, 3].flatMap((i) => [generation('t2', i, i % 2 === 0), verification('t2', i, 'cot-score', i === 3 ? null : i / 4)])), { flag: 'a' });
    const run = await readRun(dir);
    const cols = await readRunColumns(dir);
    for (const [selector, filter] of [['mc', 'quantile:0.8'], ['mean(mc,cot-score)', 'exp:0.3'], ['cot-score', 'topk:2']] as const) {
      const opts = { selector: parseSelector(selector), filter: parseFilter(filter), resamples: 50, seed: 3 };
      assert.deepEqual(assessRunColumns(cols, columnsPool(cols), opts, false), assessRunReport(run, toScoredSamples(run), opts, false));
    }
  });
});
