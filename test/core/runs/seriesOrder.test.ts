// The rounds of a series in lineage order, and the series that are refused (docs/statistics.md,
// "Self-improvement series").
import assert from 'node:assert/strict';
import type { RunManifest } from '../../../src/core/runs/records';
import { orderSeries } from '../../../src/core/runs/seriesOrder';
import { UserError } from '../../../src/core/util/errors';

const TASKS = 'a'.repeat(64);

/** A run folder's identity as the ordering reads it: id, task set and the parent its lineage names. */
function run(id: string, parent?: string, tasksSha256 = TASKS): { dir: string; manifest: RunManifest } {
  const manifest = {
    id,
    tasksSha256,
    config: { tasks: 'tasks.jsonl' },
    ...(parent === undefined ? {} : { lineage: { parent: { id: parent, path: `/runs/${parent}`, model: 'm', tasksSha256 }, export: { path: '/e.jsonl', sha256: 'b'.repeat(64), records: 1, selector: 'mc', filter: 'quantile:0.8', checkerCorrected: false } } }),
  } as unknown as RunManifest;
  return { dir: `/runs/${id}`, manifest };
}

function refused(runs: ReturnType<typeof run>[], message: RegExp): void {
  assert.throws(() => orderSeries(runs), (err: unknown) => err instanceof UserError && err.exitCode === 2 && message.test(err.message));
}

describe('orderSeries', () => {
  it('orders by lineage, not by argument order; round 0 may itself name a parent that is not given', () => {
    const ids = (runs: ReturnType<typeof run>[]) => orderSeries(runs).map((r) => r.manifest.id);
    assert.deepEqual(ids([run('c', 'b'), run('a'), run('b', 'a')]), ['a', 'b', 'c']);
    assert.deepEqual(ids([run('c', 'b'), run('b', 'earlier')]), ['b', 'c']);
  });

  it('refuses fewer than two runs and a run given twice', () => {
    refused([run('a')], /^a series needs the runs of at least two rounds; got 1 run$/);
    refused([run('a'), run('a')], /are the same run \(a\): give each round once/);
  });

  it('refuses runs on different task sets', () => {
    refused([run('a'), run('b', 'a', 'c'.repeat(64))], /\/runs\/a and \/runs\/b ran on different task sets \(tasks\.jsonl, tasks\.jsonl sha256 aaaaaaaaaaaa… vs tasks\.jsonl, tasks\.jsonl sha256 cccccccccccc…\)/);
  });

  it('refuses a broken chain, a branch and a cycle', () => {
    refused([run('a'), run('c', 'b')], /do not form one chain: \/runs\/a \(no lineage\), \/runs\/c \(its lineage names run b, not given\) each start one/);
    refused([run('a'), run('b', 'a'), run('b2', 'a')], /\/runs\/b and \/runs\/b2 both name \/runs\/a as their parent/);
    refused([run('a'), run('b', 'c'), run('c', 'b')], /lineage links of \/runs\/b, \/runs\/c form a cycle/);
  });
});
