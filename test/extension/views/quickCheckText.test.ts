import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseFilter, parseSelector } from '../../../src/core/filter/parse';
import { assessRunReport } from '../../../src/core/pipeline/runReport';
import { createRunFolder, readRun } from '../../../src/core/runs/runStore';
import { SampleLog } from '../../../src/core/runs/sampleLog';
import { toScoredSamples } from '../../../src/core/runs/scoredSamples';
import { quickCheckText } from '../../../src/extension/views/quickCheckText';
import { generation, manifest, TASKS, verification } from '../../core/runs/runFixtures';

describe('extension/views/quickCheckText', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'gaplens-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A run of TASKS' first two, N = 2, verifier mc, with the verification scores given (undefined: not verified yet). */
  async function assessed(scores: (number | null | undefined)[]): Promise<ReturnType<typeof assessRunReport>> {
    const dir = path.join(root, 'run');
    const base = manifest();
    const tasks = TASKS.slice(0, 2);
    await createRunFolder(dir, { ...base, config: { ...base.config, n: 2, verifiers: ['mc'], filter: 'threshold:0.5' } }, tasks);
    const log = await SampleLog.open(dir);
    let i = 0;
    for (const task of tasks) {
      for (const index of [0, 1]) {
        await log.append(generation(task.id, index, index === 0));
        const score = scores[i++];
        if (score !== undefined) await log.append(verification(task.id, index, 'mc', score));
      }
    }
    await log.close();
    const run = await readRun(dir);
    return assessRunReport(run, toScoredSamples(run), { selector: parseSelector('mc'), filter: parseFilter('threshold:0.5'), resamples: 200, seed: 0 }, false);
  }

  it('gives the gap with its interval, N and the tasks, and says the interval is rough under 30 tasks', async () => {
    // Each task: the right sample scored 0.9, the wrong 0.1 → threshold 0.5 keeps the right ones: 50 % → 100 %.
    const text = quickCheckText(await assessed([0.9, 0.1, 0.9, 0.1]), 'complete', 2);
    assert.equal(text.title, 'gap +50.00 pp, 95 % CI n/a (every resample gives the same value) · N=2 · 2 tasks (< 30: rough interval)');
    assert.match(text.tooltip, /^Quick gap check: accuracy 50\.00 % before the filter → 100\.00 % after \(verifier mc, filter threshold:0\.5\)\n4 samples; complete/);
  });

  it('says a partial score, an unfinished run and how the execution ended', async () => {
    const text = quickCheckText(await assessed([0.9, 0.1, 0.9, undefined]), 'incomplete', 2);
    assert.match(text.title, /^gap [+−]\d+\.\d\d pp, .* · N=2 · 2 tasks \(< 30: rough interval\) · partial: mc scored 3 of 4 · model calls failed · incomplete: 1 of 4 verifications outstanding$/);
  });

  it('shows no gap, never 0, when the verifier scored nothing', async () => {
    const text = quickCheckText(await assessed([null, null, null, null]), 'complete', 2);
    assert.match(text.title, /^gap — \(mc scored 0 of 4 samples[^)]*\) · N=2 · 2 tasks/);
    assert.doesNotMatch(text.title, /pp|partial/);
  });
});
