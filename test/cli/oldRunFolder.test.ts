// Run folders written before verification records referenced their prompts (samples format 1) stay
// readable: the run main wrote at cc41da8 (test/fixtures/runs/v1) reads exactly as main read it —
// its reports, export, audit and panel snapshot — and re-verifying or resuming it appends version-2
// records beside the old ones.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readRun } from '../../src/core/runs/runStore';
import { runPrompts } from '../../src/core/runs/verificationPrompts';
import { RunModel } from '../../src/extension/panel/runModel';
import { snapshotMessages } from '../../src/extension/panel/snapshot';
import { VERDICT_NONE } from '../../src/protocol/panelProtocol';
import { REPO, runCli } from '../helpers/cli';
import { folderAndServerPerSuite } from '../helpers/fakeServers';
import { assertCleanStderr, cleanEnv } from '../helpers/runs';

const FIXTURES = join(REPO, 'test', 'fixtures', 'runs', 'v1');
const FIXTURE = join(FIXTURES, 'gsm8k-mc-cot-score');
const EXPECTED = join(FIXTURES, 'expected');

function expected(name: string): string {
  return readFileSync(join(EXPECTED, name), 'utf8');
}

/** Output about the run folder `dir` as the expected files hold it: its path and the HTML report's time stamp replaced. */
function normalized(text: string, dir: string): string {
  return text.split(dir).join('RUN_DIR').replace(/Generated \d{4}-[0-9T:.Z-]+/g, 'Generated TIME');
}

function versionsOf(dir: string): number[] {
  const lines = readFileSync(join(dir, 'samples.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
  return [...new Set(lines.map((l) => (JSON.parse(l) as { v: number }).v))].sort();
}

/**
 * The panel host's snapshot of the run and every sample's detail row, as the expected panel.json
 * holds them: read as columns, the details read back from samples.jsonl (panel.json was made by the
 * host that held every record).
 */
async function panelView(dir: string): Promise<unknown> {
  const { model, annotations } = await RunModel.read(dir);
  const messages = snapshotMessages(model, { annotations, audit: { audit: null, cannotDraw: null }, runState: { coverage: model.coverage(), live: false }, progress: { done: model.sampleCount, total: model.sampleCount, status: 'done' } });
  const details = model.allRows().map((r) => model.row(r.task, r.index));
  return JSON.parse(JSON.stringify({ messages, details }, inRecordedForm));
}

/**
 * A 'sampleTable' message's typed columns in the text form panel.json recorded them before they were
 * typed arrays: verdicts a character a row, scores base64 little-endian float64s, the rest number arrays.
 */
function inRecordedForm(key: string, value: unknown): unknown {
  if (value instanceof Float64Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Int8Array && key === 'correct') return Array.from(value, (v) => (v === VERDICT_NONE ? '-' : String(v))).join('');
  if (value instanceof Int32Array) return Array.from(value);
  return value;
}

describe('a run folder of samples format 1 (written by main at cc41da8)', function () {
  this.timeout(120000);
  const suite = folderAndServerPerSuite();
  // Read in place with the path main's outputs were made with, which they name.
  const fixture = relative(REPO, FIXTURE);

  const copy = (name: string): string => {
    const dir = join(suite.dir, name);
    cpSync(FIXTURE, dir, { recursive: true });
    return dir;
  };
  const model = (): string => `openai:fake-model@${suite.server.url}`;

  it('reports it exactly as main did: text, JSON and HTML', async () => {
    const text = await runCli(['report', fixture]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(normalized(text.stdout, fixture), expected('report.txt'));
    const json = await runCli(['report', fixture, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(normalized(json.stdout, fixture), expected('report.json'));
    const html = join(suite.dir, 'report.html');
    const page = await runCli(['report', fixture, '--html', html]);
    assert.equal(page.code, 0, page.stderr);
    assert.equal(normalized(readFileSync(html, 'utf8'), fixture), expected('report.html'));
  });

  it('exports the same kept samples', async () => {
    const out = join(suite.dir, 'export.jsonl');
    const res = await runCli(['export', fixture, '--filter', 'quantile:0.5', '--out', out]);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(readFileSync(out, 'utf8'), expected('export.jsonl'));
  });

  it('draws the same audit', async () => {
    const dir = copy('audit');
    const res = await runCli(['audit', dir, '--size', '4', '--seed', '1', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const { id: _id, at: _at, ...drawn } = JSON.parse(res.stdout) as Record<string, unknown>;
    const { id: _mainId, at: _mainAt, ...byMain } = JSON.parse(expected('audit.json')) as Record<string, unknown>;
    assert.deepEqual(drawn, byMain);
  });

  it("gives the panel the same snapshot and detail rows, each verification with the prompt it stored", async () => {
    assert.deepEqual(await panelView(FIXTURE), JSON.parse(expected('panel.json')));
  });

  it('re-verifies it: the new verifier writes version-2 records, every prompt old and new reads', async () => {
    const dir = copy('reverify');
    const res = await runCli(['reverify', dir, '--verifier', 'cot-binary', '--model', model(), '--no-cache'], { env: cleanEnv(suite.dir) });
    assert.equal(res.code, 0, res.stderr);
    assertCleanStderr(res.stderr);
    assert.deepEqual(versionsOf(dir), [1, 2]);
    const run = await readRun(dir);
    const prompts = runPrompts(run);
    for (const byVerifier of run.verifications.values()) {
      assert.deepEqual([...byVerifier.keys()].sort(), ['cot-binary', 'cot-score', 'mc']);
      for (const v of byVerifier.values()) {
        assert.equal(typeof v.prompt, v.verifier === 'cot-binary' ? 'object' : 'string', `${v.verifier} record of version ${v.v}`);
        assert.match(prompts.text(v), /Judgement:|Score:|Verdict:/);
      }
    }
    const report = await runCli(['report', dir, '--json']);
    assert.equal(report.code, 0, report.stderr);
  });

  it('refuses a resume that would change what it produces, naming the setting', async () => {
    const dir = copy('resume-refused');
    const res = await runCli(['run', '--resume', dir, '-n', '5', '--model', model(), '--no-cache'], { env: cleanEnv(suite.dir) });
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, /-n/);
    assert.equal(readFileSync(join(dir, 'samples.jsonl'), 'utf8'), readFileSync(join(FIXTURE, 'samples.jsonl'), 'utf8'), 'nothing written');
  });

  it('resumes it: the missing records are written in version 2 beside the old ones and the report is the one main gave', async () => {
    const dir = copy('resume');
    const file = join(dir, 'samples.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    writeFileSync(file, `${lines.slice(0, -10).join('\n')}\n`);
    const res = await runCli(['run', '--resume', dir, '--model', model(), '--no-cache'], { env: cleanEnv(suite.dir) });
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(versionsOf(dir), [1, 2]);
    const json = await runCli(['report', dir, '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(normalized(json.stdout, dir), expected('report.json'));
    const run = await readRun(dir);
    const prompts = runPrompts(run);
    for (const byVerifier of run.verifications.values()) for (const v of byVerifier.values()) assert.match(prompts.text(v), /Judgement:|Score:/);
  });
});
