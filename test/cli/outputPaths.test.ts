import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generation, jsonl, newRun, verification } from '../core/runs/runFixtures';
import { runCli, tempDir } from '../helpers/cli';

describe('outputs never overwrite a run', function () {
  this.timeout(60000);
  let tmp: { dir: string; cleanup: () => void };
  let run: string;
  let samplesText: string;

  beforeEach(async () => {
    tmp = tempDir();
    run = await newRun(tmp.dir);
    samplesText = jsonl([0, 1, 2, 3].flatMap((i) => [generation('t1', i, i % 2 === 0), verification('t1', i, 'mc', i / 4)]));
    writeFileSync(join(run, 'samples.jsonl'), samplesText);
    mkdirSync(join(run, 'templates'));
    writeFileSync(join(run, 'templates', 'verify-mc.txt'), 'the run’s own template\n');
  });
  afterEach(() => tmp.cleanup());

  const exportTo = (out: string, ...extra: string[]): ReturnType<typeof runCli> => runCli(['export', run, '--filter', 'quantile:0.5', '--out', out, ...extra]);

  it('export refuses every file of the run folder, even with --force, and leaves it as it was', async () => {
    for (const file of ['samples.jsonl', 'run.json', 'tasks.jsonl', 'annotations.jsonl', 'run.lock', join('templates', 'verify-mc.txt'), join('templates', 'new.txt')]) {
      const res = await exportTo(join(run, file), '--force');
      assert.equal(res.code, 2, `${file}: ${res.stderr}`);
      assert.match(res.stderr, /is a file of the run folder .*never overwritten/);
      assert.doesNotMatch(res.stderr, /internal error|\n\s+at /);
    }
    assert.equal(readFileSync(join(run, 'samples.jsonl'), 'utf8'), samplesText);
    assert.equal(readFileSync(join(run, 'templates', 'verify-mc.txt'), 'utf8'), 'the run’s own template\n');
  });

  it('export writes a new file in the run folder, refuses an existing file without --force, and overwrites it with', async () => {
    const out = join(run, 'kept.jsonl');
    assert.equal((await exportTo(out)).code, 0);
    const first = readFileSync(out, 'utf8');
    assert.equal(first.trim().split('\n').length, 2);
    writeFileSync(out, 'mine\n');
    const refused = await exportTo(out);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /kept\.jsonl already exists; pass --force to overwrite it/);
    assert.equal(readFileSync(out, 'utf8'), 'mine\n');
    assert.equal((await exportTo(out, '--force')).code, 0);
    assert.equal(readFileSync(out, 'utf8'), first);
  });

  it('export into a missing folder is one clear line, not an internal error', async () => {
    const res = await exportTo(join(tmp.dir, 'no', 'such', 'kept.jsonl'));
    assert.equal(res.code, 2);
    assert.match(res.stderr, /the folder .*no\/such does not exist; create it first/);
    assert.equal(res.stderr.trim().split('\n').length, 1);
  });

  it("report --html refuses a run folder's own files and an existing file without --force", async () => {
    const manifestText = readFileSync(join(run, 'run.json'), 'utf8');
    const clobber = await runCli(['report', run, '--html', join(run, 'run.json'), '--force']);
    assert.equal(clobber.code, 2, clobber.stderr);
    assert.match(clobber.stderr, /--html .*run\.json is a file of the run folder/);
    assert.equal(readFileSync(join(run, 'run.json'), 'utf8'), manifestText);
    const page = join(tmp.dir, 'report.html');
    writeFileSync(page, 'mine');
    assert.equal((await runCli(['report', run, '--html', page])).code, 2);
    assert.equal(readFileSync(page, 'utf8'), 'mine');
    assert.equal((await runCli(['report', run, '--html', page, '--force'])).code, 0);
    assert.match(readFileSync(page, 'utf8'), /^<!doctype html>/i);
  });

  it('templates export refuses a run folder and its templates', async () => {
    for (const dir of [run, join(run, 'templates')]) {
      const res = await runCli(['templates', 'export', dir, '--force']);
      assert.equal(res.code, 2, res.stderr);
      assert.match(res.stderr, /never overwritten; choose another folder/);
    }
    assert.equal(readFileSync(join(run, 'templates', 'verify-mc.txt'), 'utf8'), 'the run’s own template\n');
  });
});
