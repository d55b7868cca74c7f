import assert from 'node:assert/strict';
import { recordsOnFile } from '../../../src/core/pipeline/runSession';
import { readRunColumns } from '../../../src/core/runs/runColumns';
import { readRun } from '../../../src/core/runs/runStore';
import { tempDir } from '../../helpers/cli';
import { awkwardRun } from '../runs/runFixtures';

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
});
