// The column cache (docs/run-format.md, "The column cache") on real run folders made by the CLI
// against the loopback fake server: `report --json` is byte for byte the report of a full read
// (--no-column-cache) after appends, duplicates, orphans, a torn line repaired by resume, and on a
// read-only folder the cache cannot be written to.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli';
import { folderAndServerPerSuite } from '../helpers/fakeServers';
import { assertCleanStderr, cleanEnv, writeTasks } from '../helpers/runs';
import { mountTmpfs, remount, unmount } from '../helpers/tmpfs';

const CACHE = join('.cache', 'columns.bin');

describe('gaplens report from the column cache', function () {
  this.timeout(120000);
  const suite = folderAndServerPerSuite();
  const env = (): NodeJS.ProcessEnv => cleanEnv(suite.dir);
  let straight: string;

  before(async () => {
    const tasks = join(suite.dir, 'tasks.jsonl');
    writeTasks(tasks, 12);
    straight = join(suite.dir, 'straight');
    const args = ['run', '--tasks', tasks, '--model', `openai:fake@${suite.server.url}`, '-n', '4', '--verifier', 'cot-score,cot-binary', '--verifications', '2'];
    const res = await runCli([...args, '--filter', 'quantile:0.5', '--out', straight, '--cache', join(suite.dir, 'responses'), '--concurrency', '4'], { env: env() });
    assert.equal(res.code, 0, res.stderr);
  });

  const report = (dir: string, ...more: string[]): Promise<CliResult> => runCli(['report', dir, '--json', ...more], { env: env() });

  /** The report from the cache equals, stdout and stderr, the report of a full read. */
  async function assertSameReport(dir: string): Promise<CliResult> {
    const cached = await report(dir);
    assert.equal(cached.code, 0, cached.stderr);
    assertCleanStderr(cached.stderr);
    const full = await report(dir, '--no-column-cache');
    assert.equal(cached.stdout, full.stdout);
    assert.equal(cached.stderr, full.stderr);
    return cached;
  }

  it('a finished run: its report leaves the cache, and reports from it, without it, and after deleting it are byte for byte the same', async () => {
    assert.ok(existsSync(join(straight, CACHE)), 'the report at the end of the run wrote the cache');
    const first = await assertSameReport(straight);
    rmSync(join(straight, '.cache'), { recursive: true });
    const again = await report(straight);
    assert.equal(again.stdout, first.stdout);
    assert.ok(existsSync(join(straight, CACHE)), 'rewritten by the report that did without it');
  });

  it('appends after the cache, with a duplicate, an orphan and a torn last line; then resume repairs and finishes it', async () => {
    const cut = join(suite.dir, 'cut');
    cpSync(straight, cut, { recursive: true });
    rmSync(join(cut, '.cache'), { recursive: true });
    const lines = readFileSync(join(straight, 'samples.jsonl'), 'utf8').split('\n');
    writeFileSync(join(cut, 'samples.jsonl'), lines.slice(0, 60).map((l) => `${l}\n`).join(''));
    const manifestFile = join(cut, 'run.json');
    const { completedAt: _done, ...manifest } = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
    await assertSameReport(cut);
    assert.ok(existsSync(join(cut, CACHE)));

    const verificationLine = lines.find((l) => l.includes('"type":"verification"')) as string;
    const orphan = verificationLine.replace(/"index":\d+/, '"index":40');
    appendFileSync(join(cut, 'samples.jsonl'), `${lines.slice(60, 90).join('\n')}\n${lines[3] as string}\n${orphan}\n${(lines[90] as string).slice(0, 30)}`);
    const torn = await assertSameReport(cut);
    assert.match(torn.stderr, /duplicate/);
    assert.match(torn.stderr, /without a generation record/);
    assert.match(torn.stderr, /incomplete last line/);

    const resumed = await runCli(['run', '--resume', cut, '--cache', join(suite.dir, 'responses'), '--json'], { env: env() });
    assert.equal(resumed.code, 0, resumed.stderr);
    const after = await assertSameReport(cut);
    assert.equal(after.stdout, resumed.stdout, 'the report of the resumed run');
  });

  /** The run copied, without its cache, onto a fresh tmpfs that `prepare` then makes unwritable; skips the test where tmpfs cannot be mounted. */
  async function onUnwritableDisk(ctx: Mocha.Context, name: string, prepare: (root: string) => void): Promise<void> {
    const root = join(suite.dir, name);
    mkdirSync(root);
    const refused = mountTmpfs(root, 'size=4m');
    if (refused !== null) {
      console.warn(`skipped: cannot mount a tmpfs to test an unwritable folder: ${refused}`);
      ctx.skip();
    }
    try {
      const dir = join(root, 'run');
      cpSync(straight, dir, { recursive: true });
      rmSync(join(dir, '.cache'), { recursive: true, force: true });
      prepare(root);
      await assertSameReport(dir);
      assert.ok(!existsSync(join(dir, CACHE)), 'no cache written');
    } finally {
      unmount(root);
    }
  }

  it('a read-only run folder: the report works and is the same, with no word about the cache', async function () {
    await onUnwritableDisk(this, 'ro', (root) => remount(root, 'ro'));
  });

  it('a full disk: the report works and is the same, with no word about the cache', async function () {
    await onUnwritableDisk(this, 'full', (root) => {
      try {
        writeFileSync(join(root, 'ballast'), Buffer.alloc(8 * 2 ** 20));
      } catch {
        // ENOSPC: the disk is now full.
      }
    });
  });
});
