import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunFolder } from '../../../src/core/runs/runStore';
import { SampleLog } from '../../../src/core/runs/sampleLog';
import type { SampleRecord } from '../../../src/core/runs/records';
import { RunIndex } from '../../../src/extension/run/runIndex';
import { runItemText } from '../../../src/extension/views/runItems';
import { config, generation, manifest, task, verification } from '../builders';

async function makeRun(root: string, id: string, createdAt: string, records: SampleRecord[], opts: { complete?: boolean; gold?: string } = {}): Promise<string> {
  const dir = join(root, id);
  await createRunFolder(dir, manifest({ id, createdAt, ...(opts.complete ? { completedAt: createdAt } : {}) }), [task('a', opts.gold ?? '5'), task('b', '7')]);
  const log = await SampleLog.open(dir);
  for (const r of records) await log.append(r);
  await log.close();
  return dir;
}

// Task a: [correct 0.9, wrong 0.2] → quantile:0.5 keeps the 0.9 one: J = 0.5, J[w] = 1.
// Task b: [wrong 0.1, wrong 0.6] → keeps the wrong 0.6 one: J = 0, J[w] = 0. Gap = (1 + 0)/2 − (0.5 + 0)/2 = +0.25.
const FULL: SampleRecord[] = [
  generation('a', 0, '5', true),
  verification('a', 0, 'mc', 0.9),
  generation('a', 1, '4', false),
  verification('a', 1, 'mc', 0.2),
  generation('b', 0, '1', false),
  verification('b', 0, 'mc', 0.1),
  generation('b', 1, '2', false),
  verification('b', 1, 'mc', 0.6),
];

describe('the run index (runs tree and pickers)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gaplens-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists run folders newest first with samples, completeness and the gap by the first verifier and the run filter', async () => {
    await makeRun(root, 'old', '2026-01-01T00:00:00.000Z', FULL, { complete: true });
    await makeRun(root, 'new', '2026-02-01T00:00:00.000Z', FULL.slice(0, 3));
    mkdirSync(join(root, 'not-a-run'));
    writeFileSync(join(root, 'stray.txt'), 'x');
    const problems: string[] = [];
    const runs = await new RunIndex().list([root, join(root, 'missing')], (m) => problems.push(m));
    assert.deepEqual(problems, []);
    assert.deepEqual(runs.map((r) => [r.manifest.id, r.samples, r.expected, r.complete, r.gap]), [
      ['new', 2, 4, false, 'gap +0.0 pp'],
      ['old', 4, 4, true, 'gap +25.0 pp'],
    ]);
  });

  it('reports a damaged run and lists the others', async () => {
    await makeRun(root, 'good', '2026-01-01T00:00:00.000Z', FULL, { complete: true });
    const bad = await makeRun(root, 'bad', '2026-01-02T00:00:00.000Z', []);
    writeFileSync(join(bad, 'tasks.jsonl'), '{"id":"edited"}\n');
    const problems: string[] = [];
    const runs = await new RunIndex().list([root], (m) => problems.push(m));
    assert.deepEqual(runs.map((r) => r.manifest.id), ['good']);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /tasks\.jsonl does not match run\.json/);
  });

  it('re-reads a run when its samples change, and shows no gap for tasks without gold answers', async () => {
    const dir = await makeRun(root, 'r', '2026-01-01T00:00:00.000Z', FULL.slice(0, 2), { gold: '' });
    const index = new RunIndex();
    assert.equal((await index.read(dir)).samples, 1);
    const log = await SampleLog.open(dir);
    for (const r of FULL.slice(4)) await log.append(r);
    await log.close();
    const listing = await index.read(dir);
    assert.equal(listing.samples, 3);
    // Only task b has gold: [wrong 0.1, wrong 0.6] → accuracy 0, filtered 0.
    assert.equal(listing.gap, 'gap +0.0 pp');
  });

  it('formats a run for the tree: model short name, verifiers, gap, date, progress, and a context value for the menus', () => {
    const listing = { dir: '/runs/x', manifest: manifest({ config: config({ verifiers: ['mc', 'cot-score'], tasks: 'builtin:sudoku4x4', limit: 20 }) }), samples: 3, expected: 40, complete: false, gap: 'gap +3.1 pp' };
    const text = runItemText(listing);
    assert.equal(text.label, 'Qwen2.5-7B');
    assert.match(text.description, /^mc\+cot-score · gap \+3\.1 pp · \d{4}-\d\d-\d\d \d\d:\d\d · 3\/40 samples$/);
    assert.equal(text.contextValue, 'gaplens.run.incomplete');
    assert.match(text.tooltip, /tasks: builtin:sudoku4x4 \(first 20\), N = 2/);
    assert.equal(runItemText({ ...listing, complete: true, gap: null }).contextValue, 'gaplens.run.complete');
    assert.match(runItemText({ ...listing, complete: true, gap: null }).description, /no gap yet · [\d-]+ [\d:]+$/);
  });
});
