import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRun } from '../../../src/core/runs/runStore';
import { SampleLog } from '../../../src/core/runs/sampleLog';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import { tempDir } from '../../helpers/cli';
import { textOf } from './killableWriter';
import { generation, newRun, rejectsWithUserError, verification } from './runFixtures';

describe('runs/SampleLog', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('keeps 10k concurrent appends valid and in call order', async () => {
    const dir = await newRun(parent);
    const log = await SampleLog.open(dir);
    const n = 10_000;
    await Promise.all(Array.from({ length: n }, (_, i) => log.append(generation('t2', i, i % 3 === 0))));
    await log.close();
    const lines = readFileSync(join(dir, 'samples.jsonl'), 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { index: number }).index), Array.from({ length: n }, (_, i) => i));
    const run = await readRun(dir);
    assert.equal(run.generations.size, n);
    assert.deepEqual(run.warnings, []);
  });

  it('appends to an existing samples.jsonl', async () => {
    const dir = await newRun(parent);
    for (const i of [0, 1]) {
      const log = await SampleLog.open(dir);
      await log.append(generation('t1', i, true));
      await log.close();
    }
    assert.equal((await readRun(dir)).generations.size, 2);
  });

  it('refuses an invalid record without writing it, and keeps working', async () => {
    const dir = await newRun(parent);
    const log = await SampleLog.open(dir);
    await assert.rejects(log.append({ ...verification('t1', 0, 'mc', 0.5), score: Number.NaN }), /refusing to write an invalid verification record for t1#0: field "score": expected number, received NaN/);
    await log.append(generation('t1', 0, true));
    await log.close();
    assert.equal(readFileSync(join(dir, 'samples.jsonl'), 'utf8'), JSON.stringify(generation('t1', 0, true)) + '\n');
  });

  it('rejects appends after close; close is idempotent', async () => {
    const dir = await newRun(parent);
    const log = await SampleLog.open(dir);
    await log.close();
    await log.close();
    await assert.rejects(log.append(generation('t1', 0, true)), /is closed/);
  });

  it('refuses a folder that is not a run, and a log ending in a torn line', async () => {
    await rejectsWithUserError(SampleLog.open(parent), `${parent} is not a Gap Lens run folder (no run.json)`);
    const dir = await newRun(parent);
    const file = join(dir, 'samples.jsonl');
    writeFileSync(file, '{"v":1,"type":"gener');
    await rejectsWithUserError(
      SampleLog.open(dir),
      `${file} ends with an incomplete line (an earlier run was interrupted mid-write); resume the run so it is repaired first`,
    );
  });

  it('survives kill -9 of a real writer process: readRun(repair) keeps only complete records, without duplicates', async function () {
    this.timeout(30_000);
    const dir = await newRun(parent);
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'killableWriter.ts'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('go') && resolve());
      child.on('exit', (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const warnings: string[] = [];
    const run = await readRun(dir, { repair: true, onWarning: (m) => warnings.push(m) });
    // Writes are serialized, so the complete records are exactly a prefix of what the writer produced.
    const count = run.generations.size;
    assert.ok(count > 100, `only ${count} generations survived`);
    for (let i = 0; i < count; i++) {
      const g = run.generations.get(sampleKey('t1', i));
      assert.ok(g, `generation ${i} is missing`);
      assert.equal(g.text, textOf(i));
      if (i < count - 1) assert.equal(run.verifications.get(sampleKey('t1', i))?.get('mc')?.score, (i % 11) / 10);
    }
    assert.ok(!warnings.some((w) => w.includes('duplicate') || w.includes('without a generation')), warnings.join('\n'));
    assert.ok(warnings.every((w) => w.includes('incomplete last line dropped')), warnings.join('\n'));

    // The repaired file takes appends again and reads back cleanly.
    const log = await SampleLog.open(dir);
    await log.append(generation('t1', count, true, textOf(count)));
    await log.close();
    const after = await readRun(dir);
    assert.deepEqual(after.warnings, []);
    assert.equal(after.generations.size, count + 1);
  });
});
