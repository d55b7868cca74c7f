// The compact table of custom_ids behind the result index: cache keys packed to 32 bytes, other ids
// as they are, rows that survive the columns' growth, submissions counted per id.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RequestTable } from '../../../src/core/batch/requestTable';
import { ResultIndex } from '../../../src/core/batch/resultIndex';
import { tempDir } from '../../helpers/cli';

const key = (i: number): string => createHash('sha256').update(String(i)).digest('hex');

describe('batch/requestTable', () => {
  it('gives every id its own row, across both kinds of key and beyond the first columns', () => {
    const table = new RequestTable();
    const ids = Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? `${key(i)}-2` : i % 7 === 0 ? `plain-${i}` : key(i)));
    const rows = ids.map((id) => table.rowOf(id));
    assert.equal(new Set(rows).size, ids.length);
    for (const i of ids.keys()) table.setResult(rows[i] as number, i % 3, i * 1000.5, i, i % 2 === 0);
    for (const [i, id] of ids.entries()) {
      const row = table.find(id) as number;
      assert.equal(row, rows[i]);
      assert.deepEqual([table.columns.file[row], table.columns.offset[row], table.columns.length[row], table.columns.success[row]], [i % 3, i * 1000.5, i, i % 2 === 0 ? 1 : 0]);
    }
    // An upper-case cache key is another id (custom_ids are compared as written).
    assert.equal(table.find(key(1).toUpperCase()), undefined);
    // A plain id of 32 characters is never taken for a packed key.
    const packedLike = Buffer.from(key(1), 'hex').toString('latin1');
    assert.equal(table.find(packedLike), undefined);
  });

  it('counts the batches that held each id, for ids with and without results', async () => {
    const { dir, cleanup } = tempDir();
    const index = new ResultIndex();
    try {
      const file = join(dir, 'out.jsonl');
      writeFileSync(file, `${JSON.stringify({ custom_id: key(1), response: { status_code: 200, body: { choices: [] } }, error: null })}\n`);
      index.countSubmission(key(1));
      index.countSubmission(key(2));
      index.countSubmission(key(2));
      await index.add(file);
      index.countSubmission(key(1));
      assert.deepEqual([index.submissions(key(1)), index.submissions(key(2)), index.submissions(key(3))], [2, 2, 0]);
      assert.equal(index.size, 1);
      assert.equal((await index.get(key(2))), undefined);
      assert.equal((await index.get(key(1)))?.customId, key(1));
    } finally {
      await index.close();
      cleanup();
    }
  });
});
