import assert from 'node:assert/strict';
import { recordsOnFile } from '../../../src/core/pipeline/runSession';
import { readRunColumns } from '../../../src/core/runs/runColumns';
import { readRun } from '../../../src/core/runs/runStore';
import { tempDir } from '../../helpers/cli';
import { awkwardRun, drawnRun } from '../runs/runFixtures';

describe('pipeline/runSession', () => {
  it('counts the records on file the same from columns as from the records', async () => {
    const { dir: parent, cleanup } = tempDir();
    try {
      const dir = await awkwardRun(parent);
      const fromColumns = recordsOnFile({ columns: await readRunColumns(dir) });
      const run = await readRun(dir);
      const verifications = [...run.verifications.values()].reduce((sum, byVerifier) => sum + byVerifier.size, 0);
      assert.deepEqual(fromColumns, { generations: run.generations.size, records: run.generations.size + verifications });
      // t2#0, t1#0, t1#1, t1#2, q#3#7, q#3#0; t2#0 mc, t1#1 cot-score and mc, t1#0 cot-score and mc, q#3#7 judge (the orphan q#3#3 is not counted).
      assert.deepEqual(fromColumns, { generations: 6, records: 6 + 6 });
      assert.deepEqual(recordsOnFile({ columns: null }), { generations: 0, records: 0 });
    } finally {
      cleanup();
    }
  });

  it('counts each draw of a verifier drawing several as a record, as readRun keeps them', async () => {
    const { dir: parent, cleanup } = tempDir();
    try {
      const dir = await drawnRun(parent);
      const run = await readRun(dir);
      const size = (maps: Map<string, Map<string, unknown>>) => [...maps.values()].reduce((sum, m) => sum + m.size, 0);
      const records = run.generations.size + size(run.verifications) + size(run.draws);
      assert.deepEqual(recordsOnFile({ columns: await readRunColumns(dir) }), { generations: 7, records });
      // 7 generations, 2 mc, 12 draws (the duplicate, the draw not drawn and the orphan are not counted).
      assert.equal(records, 7 + 2 + 11);
    } finally {
      cleanup();
    }
  });
});
