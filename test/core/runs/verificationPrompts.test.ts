// Version-2 verification records name their prompt instead of storing it: the template, the samples
// that filled it and a hash. Runs made by the built CLI against the fake server: every prompt
// re-rendered from a record is one the server received, and a run folder changed afterwards gives
// a clear error naming the record and what to do, never another prompt.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplates } from '../../../src/core/prompts/load';
import type { VerificationRecord } from '../../../src/core/runs/records';
import { readRun, type RunData } from '../../../src/core/runs/runStore';
import { promptReference, runPrompts } from '../../../src/core/runs/verificationPrompts';
import { UserError } from '../../../src/core/util/errors';
import { RunModel } from '../../../src/extension/panel/runModel';
import type { VerificationRow } from '../../../src/protocol/panelProtocol';
import { assertSameView } from '../../extension/panel/panelViews';
import { runCli } from '../../helpers/cli';
import { folderAndServerPerSuite } from '../../helpers/fakeServers';
import { cleanEnv, writeTasks } from '../../helpers/runs';

const MATCH_HEADER = /^=== round \d+: sample \d+ \(A\) vs sample \d+ \(B\) ===\n/gm;

function verificationsOf(run: RunData): VerificationRecord[] {
  return [...run.verifications.values()].flatMap((byVerifier) => [...byVerifier.values()]);
}

/** A tournament prompt's match prompts, without their header lines and the blank lines between them. */
function matchPrompts(text: string): string[] {
  const starts = [...text.matchAll(MATCH_HEADER)].map((m) => ({ at: m.index, body: m.index + m[0].length }));
  return starts.map((s, i) => text.slice(s.body, (starts[i + 1]?.at ?? text.length + 2) - 2));
}

/** Rewrites the first line of samples.jsonl that `pick` chooses. */
function editRecord(dir: string, pick: (record: Record<string, unknown>) => boolean, edit: (record: Record<string, unknown>) => void): void {
  const file = join(dir, 'samples.jsonl');
  let done = false;
  const lines = readFileSync(file, 'utf8').split('\n').map((line) => {
    if (done || line === '') return line;
    const record = JSON.parse(line) as Record<string, unknown>;
    if (!pick(record)) return line;
    done = true;
    edit(record);
    return JSON.stringify(record);
  });
  writeFileSync(file, lines.join('\n'));
}

describe('runs/verificationPrompts', function () {
  this.timeout(120000);
  const suite = folderAndServerPerSuite();
  let run: string;

  before(async () => {
    const tasks = join(suite.dir, 'tasks.jsonl');
    writeTasks(tasks, 3);
    run = join(suite.dir, 'run');
    const made = await runCli(
      ['run', '--tasks', tasks, '--model', `openai:fake@${suite.server.url}`, '-n', '4', '--verifier', 'mc,cot-score,tournament', '--tournament-both-orders', '--out', run, '--no-cache'],
      { env: cleanEnv(suite.dir) },
    );
    assert.equal(made.code, 0, made.stderr);
  });

  it('writes each verification as a version-2 reference whose rendering is a prompt the server received', async () => {
    const data = await readRun(run);
    const received = new Set(suite.server.requests.map((r) => (r.body as { prompt?: unknown } | undefined)?.prompt).filter((p): p is string => typeof p === 'string'));
    const prompts = runPrompts(data);
    const records = verificationsOf(data);
    assert.equal(records.length, 3 * 4 * 3);
    for (const record of records) {
      assert.equal(record.v, 2);
      assert.equal(typeof record.prompt, 'object', 'no prompt text in the record');
      const text = prompts.text(record);
      if (record.verifier === 'tournament') {
        const asked = matchPrompts(text);
        assert.equal(asked.length, 2 * (record.detail?.['matchesPlayed'] as number), 'each of its matches asked in both orders');
        for (const prompt of asked) assert.ok(received.has(prompt), `a match prompt of ${record.task}#${record.index} was never sent`);
      } else {
        // mc scores " Correct" and " Incorrect" after the prompt (echo), cot-score samples after it.
        const sent = record.verifier === 'mc' ? `${text} Correct` : text;
        assert.ok(received.has(sent), `the ${record.verifier} prompt of ${record.task}#${record.index} was never sent`);
      }
    }
    const samplesText = readFileSync(join(run, 'samples.jsonl'), 'utf8');
    assert.ok(!samplesText.includes('Variant 0:'), 'no question is repeated in samples.jsonl');
  });

  it("shows each sample's texts in the panel read back from disk: the records' texts, each prompt re-rendered from its template reference", async () => {
    const data = await readRun(run);
    const prompts = runPrompts(data);
    const model = await assertSameView(run);
    assert.equal(model.sampleCount, 12);
    for (const g of data.generations.values()) {
      const row = model.row(g.task, g.index);
      assert.equal(row?.text, g.text);
      const records = [...(data.verifications.get(`${g.task}\u0000${g.index}`)?.values() ?? [])];
      assert.equal(records.length, 3);
      for (const record of records) {
        const shown: VerificationRow | undefined = row?.verifications.find((v) => v.verifier === record.verifier);
        assert.equal(shown?.raw, record.raw);
        assert.equal(shown?.prompt, prompts.text(record));
      }
    }
  });

  it('refuses to write a reference that does not render the prompt sent', () => {
    const template = loadTemplates().get('verify-mc', 'numeric');
    assert.throws(
      () => promptReference('another prompt', template, { values: { response: 0 } }, { question: 'What is 2 + 3?', generation: () => '5' }),
      (err: unknown) => err instanceof Error && !(err instanceof UserError) && /does not re-render/.test(err.message),
    );
  });

  it('says which record does not re-render after a generation text was changed, and the panel does not open with another prompt', async () => {
    const copy = join(suite.dir, 'edited-generation');
    cpSync(run, copy, { recursive: true });
    editRecord(copy, (r) => r['type'] === 'generation' && r['task'] === 'q1' && r['index'] === 2, (r) => (r['text'] = 'The answer is 41.'));
    const data = await readRun(copy);
    const mc = data.verifications.get('q1\u00002')?.get('mc') as VerificationRecord;
    const expected = new RegExp(
      `^${join(copy, 'samples.jsonl').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the mc verification of task "q1" sample 2: the prompt re-rendered from the run's tasks, generations and templates has hash [0-9a-f]{16}, the record says [0-9a-f]{16}: a file of the run folder .+ was changed after the record was written\\. Restore`,
    );
    assert.throws(() => runPrompts(data).text(mc), (err: unknown) => err instanceof UserError && expected.test(err.message));
    // The panel meets first whichever of the sample's verifications it reads first (the tournament's prompts show every sample of the task).
    const anyOfTheTask = /samples\.jsonl: the \S+ verification of task "q1" sample \d: the prompt re-rendered .+ was changed after the record was written/;
    assert.throws(() => RunModel.fromRun(data), (err: unknown) => err instanceof UserError && anyOfTheTask.test(err.message));
    // Read as columns, the panel opens (it renders no prompt before a sample is shown), and the sample's details are this error.
    const { model } = await RunModel.read(copy);
    assert.throws(() => model.row('q1', 2), (err: unknown) => err instanceof UserError && anyOfTheTask.test(err.message));
  });

  it('says which template file differs from the one the run was written with', async () => {
    const copy = join(suite.dir, 'edited-template');
    cpSync(run, copy, { recursive: true });
    appendFileSync(join(copy, 'templates', 'verify-cot-score.txt'), '\nScore:');
    const data = await readRun(copy);
    const cot = data.verifications.get('q0\u00000')?.get('cot-score') as VerificationRecord;
    assert.throws(
      () => runPrompts(data).text(cot),
      (err: unknown) => err instanceof UserError && err.message.startsWith(`${join(copy, 'templates', 'verify-cot-score.txt')}: this prompt template differs from the one the run was written with (run.json records sha256 `),
    );
    // The other verifiers' prompts do not rest on that file.
    assert.equal(typeof runPrompts(data).text(data.verifications.get('q0\u00000')?.get('mc') as VerificationRecord), 'string');
  });
});
