import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { assessRunReport } from '../../../src/core/pipeline/runReport';
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
});
