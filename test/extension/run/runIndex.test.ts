import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunFolder } from '../../../src/core/runs/runStore';
import { SampleLog } from '../../../src/core/runs/sampleLog';
import { gapText } from '../../../src/core/pipeline/liveGap';
import type { SampleRecord } from '../../../src/core/runs/records';
import type { Task } from '../../../src/core/tasks/task';
import { RunIndex, type RunListing } from '../../../src/extension/run/runIndex';
import { RUN_NOTES_FILE } from '../../../src/extension/run/runNotes';
import { runItemText } from '../../../src/extension/views/runItems';
import { holdRunLock } from '../../helpers/lockHolder';
import { config, failure, generation, manifest, task, verification } from '../builders';

async function makeRun(root: string, id: string, createdAt: string, records: SampleRecord[], opts: { complete?: boolean; gold?: string; tasks?: Task[] } = {}): Promise<string> {
  const dir = join(root, id);
  await createRunFolder(dir, manifest({ id, createdAt, ...(opts.complete ? { completedAt: createdAt } : {}) }), opts.tasks ?? [task('a', opts.gold ?? '5'), task('b', '7')]);
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

  it('lists run folders newest first with coverage, completeness (from the records) and the gap by the first verifier and the run filter', async () => {
    await makeRun(root, 'old', '2026-01-01T00:00:00.000Z', FULL);
    await makeRun(root, 'new', '2026-02-01T00:00:00.000Z', FULL.slice(0, 3));
    mkdirSync(join(root, 'not-a-run'));
    writeFileSync(join(root, 'stray.txt'), 'x');
    const problems: string[] = [];
    const runs = await new RunIndex().list([root, join(root, 'missing')], (m) => problems.push(m));
    assert.deepEqual(problems, []);
    assert.deepEqual(runs.map((r) => [r.manifest.id, r.coverage.generations.done, r.coverage.generations.expected, r.complete, r.live, r.gap && gapText(r.gap.reading)]), [
      // a#1 is generated but not verified yet: it counts, unscored, as in a report — partial.
      ['new', 2, 4, false, false, 'gap +50.00 pp (partial: 1 of 2 scored)'],
      // Every record is there: complete, though run.json has no completedAt.
      ['old', 4, 4, true, false, 'gap +25.00 pp'],
    ]);
  });

  it('says "not measured" with why for a run whose every verification failed, never a gap of 0', async () => {
    const failed = FULL.map((r) => (r.type === 'verification' ? { ...r, score: null, parse: 'failed' as const, failure: 'labels-absent' as const } : r));
    const listing = await new RunIndex().read(await makeRun(root, 'unsure', '2026-01-01T00:00:00.000Z', failed));
    assert.equal(listing.gap && gapText(listing.gap.reading), 'gap not measured: 0 of 4 scored');
    const text = runItemText(listing);
    assert.match(text.description, /^mc · gap not measured: 0 of 4 scored · [\d-]+ [\d:]+$/);
    assert.doesNotMatch(`${text.description}\n${text.tooltip}`, /(^|[^.\d])[+−]?0\.00 pp/);
    assert.match(text.tooltip, /^coverage mc: 0 of 4 scored \(4 labels-absent\)$/m);
    assert.match(text.tooltip, /^complete: 2 tasks, 4 samples, every verification recorded$/m);
    assert.match(text.tooltip, /^gap\(f, f\): generator and verifier .* \(self-verification\)$/m);
    assert.equal(text.icon, 'graph');
  });

  it('names the verifying model of a cross-verified run in the tooltip', async () => {
    const dir = join(root, 'cross');
    const judged = FULL.map((r) => (r.type === 'verification' ? { ...r, verifier: 'mc@judge' } : r));
    await createRunFolder(dir, manifest({ id: 'cross', createdAt: '2026-01-01T00:00:00.000Z', config: config({ verifiers: ['mc@judge'], verifierModels: { 'mc@judge': 'openai:judge@http://127.0.0.1:9/v1' } }) }), [task('a', '5'), task('b', '7')]);
    const log = await SampleLog.open(dir);
    for (const r of judged) await log.append(r);
    await log.close();
    const text = runItemText(await new RunIndex().read(dir));
    assert.match(text.tooltip, /^gap\(f, g\): generator .*, verifier openai:judge@http:\/\/127\.0\.0\.1:9\/v1 \(cross-verification\)$/m);
  });

  it('an incomplete run says "incomplete: 8 of 40 tasks"; with failed calls it says how many and gets its own icon', async () => {
    const tasks = Array.from({ length: 40 }, (_, t) => task(`t${String(t).padStart(2, '0')}`, '5'));
    const records = tasks.slice(0, 8).flatMap(({ id }) => [0, 1].flatMap((i) => [generation(id, i, '5', true), verification(id, i, 'mc', 0.5 + i / 4)]));
    const stopped = await new RunIndex().read(await makeRun(root, 'stopped', '2026-01-01T00:00:00.000Z', records, { tasks }));
    assert.equal(stopped.complete, false);
    const text = runItemText(stopped);
    assert.match(text.description, / · incomplete: 8 of 40 tasks generated$/);
    assert.match(text.tooltip, /^incomplete: 8 of 40 tasks, 16 of 80 samples generated; 64 of 80 verifications outstanding$/m);
    assert.deepEqual([text.icon, text.contextValue], ['debug-pause', 'gaplens.run.incomplete']);

    const withFailures = [...records, failure('t08', 0, 'generation', 'call-failed'), failure('t08', 1, 'generation', 'call-failed'), failure('t00', 0, 'cot-score', 'bad-answer')];
    const failed = runItemText(await new RunIndex().read(await makeRun(root, 'failed', '2026-01-02T00:00:00.000Z', withFailures, { tasks })));
    assert.match(failed.description, / · failed: 8 of 40 tasks generated, 3 failed calls$/);
    assert.match(failed.tooltip, /\(failed: 2 call-failed\)/);
    assert.deepEqual([failed.icon, failed.contextValue], ['error', 'gaplens.run.failed']);
  });

  it('tells a cancelled run from a failed one by the ending the extension noted, and shows its label (gaplens-ui.json)', async () => {
    const dir = await makeRun(root, 'noted', '2026-01-01T00:00:00.000Z', FULL.slice(0, 4));
    const index = new RunIndex();
    assert.deepEqual((await index.read(dir)).notes, {});
    writeFileSync(join(dir, RUN_NOTES_FILE), JSON.stringify({ ended: 'cancelled', label: 'baseline' }));
    const cancelled = runItemText(await index.read(dir));
    assert.deepEqual([cancelled.icon, cancelled.contextValue, cancelled.label], ['circle-slash', 'gaplens.run.cancelled', 'baseline']);
    assert.match(cancelled.description, /^Qwen2\.5-7B · set\.tasks\.jsonl · mc · .* · cancelled: 1 of 2 tasks generated$/);
    writeFileSync(join(dir, RUN_NOTES_FILE), JSON.stringify({ ended: 'failed' }));
    const failed = runItemText(await index.read(dir));
    assert.deepEqual([failed.icon, failed.contextValue, failed.label], ['error', 'gaplens.run.failed', 'Qwen2.5-7B · set.tasks.jsonl']);
    // A bad file is reported and ignored: the run still lists.
    writeFileSync(join(dir, RUN_NOTES_FILE), JSON.stringify({ label: 'x'.repeat(200) }));
    const problems: string[] = [];
    const listing = await index.read(dir, (m) => problems.push(m));
    assert.deepEqual(listing.notes, {});
    assert.match(problems[0] ?? '', /gaplens-ui\.json: "label": a run label has at most 80 characters \(this one has 200\); the run is shown without its label/);
  });

  it('reports a run whose lock another process holds as live, and not once that process is gone', async () => {
    const dir = await makeRun(root, 'busy', '2026-01-01T00:00:00.000Z', FULL.slice(0, 4));
    const index = new RunIndex();
    assert.equal((await index.read(dir)).live, false);
    const writer = await holdRunLock(dir);
    let listing: RunListing;
    try {
      listing = await index.read(dir);
    } finally {
      await writer.release();
    }
    assert.equal(listing.live, true);
    const text = runItemText(listing);
    assert.match(text.description, / · live: 2 of 4 samples$/);
    assert.match(text.tooltip, /^live: a writer holds the run's lock and is still adding records$/m);
    assert.equal(text.icon, 'pulse');
    assert.equal(runItemText(listing, true).icon, 'sync~spin', 'this window running it');
    assert.equal((await index.read(dir)).live, false, 'a lock whose process is gone is stale');
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
    assert.equal((await index.read(dir)).coverage.generations.done, 1);
    const log = await SampleLog.open(dir);
    for (const r of FULL.slice(4)) await log.append(r);
    await log.close();
    const listing = await index.read(dir);
    assert.equal(listing.coverage.generations.done, 3);
    // Only task b has gold: [wrong 0.1, wrong 0.6] → accuracy 0, filtered 0.
    assert.equal(listing.gap && gapText(listing.gap.reading), 'gap 0.00 pp');
  });

  it('formats a run for the tree: model short name, verifiers, gap, date, state, and a context value for the menus', async () => {
    const dir = await makeRun(root, 'x', '2026-01-01T00:00:00.000Z', FULL.slice(0, 2));
    const listing = await new RunIndex().read(dir);
    const long = { ...listing, manifest: manifest({ config: config({ verifiers: ['mc', 'cot-score'], tasks: 'builtin:sudoku4x4', limit: 20 }) }) };
    const text = runItemText(long);
    assert.equal(text.label, 'Qwen2.5-7B · builtin:sudoku4x4');
    assert.match(text.description, /^mc\+cot-score · gap 0\.00 pp · \d{4}-\d\d-\d\d \d\d:\d\d · incomplete: 0 of 2 tasks generated$/);
    assert.equal(text.contextValue, 'gaplens.run.incomplete');
    assert.match(text.tooltip, /tasks: builtin:sudoku4x4 \(first 20\), N = 2/);
    assert.equal(runItemText(listing, true).contextValue, 'gaplens.run.running');
    assert.match(runItemText({ ...long, gap: null }).description, /^mc\+cot-score · no verifier · /);
  });
});
