import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_FILE, readAuditFile, writeAuditFile } from '../../../src/core/runs/auditFile';
import type { AuditFile } from '../../../src/core/runs/records';
import { tempDir } from '../../helpers/cli';
import { newRun, rejectsWithUserError, TASKS } from './runFixtures';

const TASK_IDS = new Set(TASKS.map((t) => t.id));

function audit(overrides: Partial<AuditFile> = {}): AuditFile {
  return {
    v: 1,
    id: 'audit-2026-11-24T10:00:00.000Z',
    seed: 7,
    size: 3,
    selector: 'mc',
    filter: 'quantile:0.8',
    at: '2026-11-24T10:00:00.000Z',
    strata: [2, 1, 0, 5],
    samples: [
      { task: 't2', index: 1, stratum: 'dropped-incorrect' },
      { task: 't1', index: 0, stratum: 'kept-correct' },
      { task: 't1', index: 3, stratum: 'kept-incorrect' },
    ],
    ...overrides,
  };
}

describe('runs/auditFile', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('round-trips audit.json; a run without one has no audit', async () => {
    const dir = await newRun(parent);
    assert.equal(await readAuditFile(dir, TASK_IDS), null);
    await writeAuditFile(dir, audit(), { replace: false, taskIds: TASK_IDS });
    assert.deepEqual(await readAuditFile(dir, TASK_IDS), audit());
    assert.deepEqual(JSON.parse(readFileSync(join(dir, AUDIT_FILE), 'utf8')), audit());
  });

  it('replaces an audit only when asked to', async () => {
    const dir = await newRun(parent);
    await writeAuditFile(dir, audit(), { replace: false, taskIds: TASK_IDS });
    await rejectsWithUserError(
      writeAuditFile(dir, audit({ id: 'audit-2' }), { replace: false, taskIds: TASK_IDS }),
      `${join(dir, AUDIT_FILE)} already holds audit audit-2026-11-24T10:00:00.000Z: a new audit replaces it only when asked to (gaplens audit --replace); its labels stay in annotations.jsonl`,
    );
    await writeAuditFile(dir, audit({ id: 'audit-2' }), { replace: true, taskIds: TASK_IDS });
    assert.equal((await readAuditFile(dir, TASK_IDS))?.id, 'audit-2');
  });

  it('names the file and the problem of a bad audit.json', async () => {
    const dir = await newRun(parent);
    const file = join(dir, AUDIT_FILE);
    const again = '; draw the audit again (gaplens audit RUN_DIR --replace)';
    const cases: [unknown, string | RegExp][] = [
      ['{', new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`)],
      [{ ...audit(), v: 2 }, `${file}: schema version 2 ("v") is not supported; this Gap Lens reads version 1: it was written by a newer Gap Lens, upgrade to read it`],
      [{ ...audit(), seed: 2 ** 32 }, `${file}: field "seed" must be in [0, 2^32)${again}`],
      [{ ...audit(), strata: [1, 2] }, `${file}: field "strata" must list the 4 strata's sizes${again}`],
      [audit({ samples: [{ task: 't9', index: 0, stratum: 'kept-correct' }] }), `${file}: field "samples[0].task": task "t9" is not in tasks.jsonl${again}`],
      [
        audit({ samples: [{ task: 't1', index: 0, stratum: 'kept-correct' }, { task: 't1', index: 0, stratum: 'kept-correct' }] }),
        `${file}: field "samples[1]": sample 0 of task "t1" is drawn twice${again}`,
      ],
      [
        audit({ strata: [0, 1, 0, 5], samples: [{ task: 't1', index: 0, stratum: 'kept-correct' }] }),
        `${file}: field "samples": 1 samples drawn from stratum kept-correct, which holds 0${again}`,
      ],
    ];
    for (const [content, message] of cases) {
      writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
      await rejectsWithUserError(readAuditFile(dir, TASK_IDS), message);
    }
    // A bad file is replaced only explicitly, too.
    await rejectsWithUserError(writeAuditFile(dir, audit(), { replace: false, taskIds: TASK_IDS }), `${file} already holds an audit: a new audit replaces it only when asked to (gaplens audit --replace); its labels stay in annotations.jsonl`);
  });
});
