// An export's lineage sidecar and the check `run --lineage` makes of it (docs/run-format.md, "Lineage").
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportLineageText, lineageSidecar, readLineage } from '../../../src/core/runs/lineage';
import { UserError } from '../../../src/core/util/errors';
import { tempDir } from '../../helpers/cli';

const PARENT = { id: 'run-0', path: '/runs/run-0', model: 'openai:m@http://127.0.0.1:1/v1', tasksSha256: 'a'.repeat(64) };
const INFO = { records: 1, exportedAt: '2026-12-07T08:00:00.000Z', parent: PARENT, selector: 'mc', filter: 'quantile:0.8', checkerCorrected: false };
const TEXT = '{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"ä 42"}],"meta":{"task":"q0","index":0}}\n';

describe('export lineage', () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  function exported(text = TEXT): string {
    const file = join(tmp.dir, 'kept.jsonl');
    writeFileSync(file, text);
    writeFileSync(lineageSidecar(file), exportLineageText(file, text, INFO));
    return file;
  }

  const refused = (message: RegExp) => (err: unknown) => err instanceof UserError && err.exitCode === 2 && message.test(err.message);

  it('reads back what the run records: the parent, and the export with its hash and filter', async () => {
    const file = exported();
    assert.deepEqual(await readLineage(file), {
      parent: PARENT,
      // The hash of the file's UTF-8 bytes, as sha256sum prints it.
      export: { path: file, sha256: createHash('sha256').update(Buffer.from(TEXT, 'utf8')).digest('hex'), records: 1, selector: 'mc', filter: 'quantile:0.8', checkerCorrected: false },
    });
  });

  it('refuses a file whose bytes changed since the export, naming both hashes and the sidecar', async () => {
    const file = exported();
    writeFileSync(file, TEXT.replace('42', '43'));
    await assert.rejects(readLineage(file), refused(/kept\.jsonl: its sha256 [0-9a-f]{12}… differs from [0-9a-f]{12}… recorded in .*kept\.jsonl\.lineage\.json: the file changed after gaplens export wrote it/));
  });

  it('refuses a file without its sidecar, a broken sidecar and a missing file', async () => {
    const file = join(tmp.dir, 'plain.jsonl');
    writeFileSync(file, TEXT);
    await assert.rejects(readLineage(file), refused(/plain\.jsonl\.lineage\.json does not exist: --lineage names a file written by gaplens export/));
    writeFileSync(lineageSidecar(file), '{"v": 1, "file": "plain.jsonl"}');
    await assert.rejects(readLineage(file), refused(/plain\.jsonl\.lineage\.json: missing field "sha256".*; export the file again$/));
    await assert.rejects(readLineage(join(tmp.dir, 'gone.jsonl')), refused(/--lineage .*gone\.jsonl does not exist/));
    await assert.rejects(readLineage(lineageSidecar(file)), refused(/plain\.jsonl\.lineage\.json is a lineage sidecar: name the export file it describes, .*plain\.jsonl$/));
  });
});
