import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createRunFolder,
  generationsInOrder,
  markCompleted,
  newRunId,
  readRun,
  updateManifest,
} from '../../../src/core/runs/runStore';
import { SampleLog } from '../../../src/core/runs/sampleLog';
import { sampleKey } from '../../../src/core/runs/sampleKey';
import { sha256, stableStringify } from '../../../src/core/util/hash';
import { tempDir } from '../../helpers/cli';
import type { EndpointCapabilities } from '../../../src/core/runs/endpointCapabilities';
import { reasoningCapabilities } from '../llm/capabilityFixtures';
import { AT, failure, generation, jsonl, manifest, newRun, rejectsWithUserError, TASKS, verification } from './runFixtures';

describe('runs/runStore', () => {
  let parent: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir: parent, cleanup } = tempDir()));
  afterEach(() => cleanup());

  describe('newRunId', () => {
    it('is the UTC time, a model slug and 4 hex digits', () => {
      const id = newRunId(new Date('2026-11-24T08:15:03.456Z'), 'Qwen/Qwen2.5-0.5B-Instruct');
      assert.match(id, /^2026-11-24T08-15-03Z-qwen2\.5-0\.5b-instruct-[0-9a-f]{4}$/);
    });

    it('names a GGUF model by its file name and keeps ids filesystem-safe', () => {
      const now = new Date('2026-01-02T03:04:05Z');
      assert.match(newRunId(now, '/models/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf'), /^2026-01-02T03-04-05Z-qwen2\.5-0\.5b-instruct-q4_k_m-[0-9a-f]{4}$/);
      assert.match(newRunId(now, 'C:\\models\\My Model (v2)..gguf'), /^2026-01-02T03-04-05Z-my-model-v2-[0-9a-f]{4}$/);
      assert.match(newRunId(now, '...'), /^2026-01-02T03-04-05Z-model-[0-9a-f]{4}$/);
      assert.match(newRunId(now, 'x'.repeat(100)), new RegExp(`^2026-01-02T03-04-05Z-${'x'.repeat(40)}-[0-9a-f]{4}$`));
    });

    it('sorts by creation time', () => {
      const ids = ['2026-11-24T08:15:03Z', '2026-11-24T10:00:00Z', '2027-01-01T00:00:00Z'].map((t) => newRunId(new Date(t), 'm'));
      assert.deepEqual([...ids].sort(), ids);
    });
  });

  describe('createRunFolder', () => {
    it('writes run.json and tasks.jsonl, computing tasksSha256 from the snapshot', async () => {
      const dir = join(parent, 'run');
      const written = await createRunFolder(dir, manifest(), TASKS);
      const tasksText = readFileSync(join(dir, 'tasks.jsonl'), 'utf8');
      assert.equal(tasksText, TASKS.map((t) => stableStringify(t) + '\n').join(''));
      assert.equal(written.tasksSha256, sha256(tasksText));
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')), written);
      assert.deepEqual(readdirSync(dir).sort(), ['run.json', 'tasks.jsonl']);
    });

    it('accepts an existing empty folder', async () => {
      const dir = join(parent, 'empty');
      mkdirSync(dir);
      await createRunFolder(dir, manifest(), TASKS);
      assert.deepEqual(readdirSync(dir).sort(), ['run.json', 'tasks.jsonl']);
    });

    it('refuses a folder holding a run, suggesting --resume', async () => {
      const dir = await newRun(parent);
      await rejectsWithUserError(
        createRunFolder(dir, manifest(), TASKS),
        `${dir} already exists and is not empty; it holds a Gap Lens run: pass --resume ${dir} to continue that run, or choose another --out folder`,
      );
    });

    it('refuses any other non-empty folder', async () => {
      writeFileSync(join(parent, 'notes.txt'), 'mine');
      await rejectsWithUserError(createRunFolder(parent, manifest(), TASKS), `${parent} already exists and is not empty; choose another --out folder`);
    });
  });

  describe('readRun', () => {
    it('round-trips a run written with SampleLog', async () => {
      const dir = await newRun(parent);
      const log = await SampleLog.open(dir);
      await log.append(generation('t1', 0, true));
      await log.append(verification('t1', 0, 'mc', 0.75));
      await log.append(verification('t1', 0, 'cot-score', null));
      await log.append(generation('q#3', 1, false, 'Ünïcode ✓ answer\nwith a newline'));
      await log.close();

      const run = await readRun(dir);
      assert.equal(run.dir, dir);
      assert.deepEqual(run.manifest, { ...manifest(), tasksSha256: sha256(readFileSync(join(dir, 'tasks.jsonl'), 'utf8')) });
      assert.deepEqual(run.tasks, TASKS);
      assert.deepEqual([...run.generations.keys()], [sampleKey('t1', 0), sampleKey('q#3', 1)]);
      assert.deepEqual(run.generations.get(sampleKey('q#3', 1)), generation('q#3', 1, false, 'Ünïcode ✓ answer\nwith a newline'));
      assert.deepEqual(run.verifications.get(sampleKey('t1', 0)), new Map([
        ['mc', verification('t1', 0, 'mc', 0.75)],
        ['cot-score', verification('t1', 0, 'cot-score', null)],
      ]));
      assert.deepEqual(run.annotations, []);
      assert.deepEqual(run.warnings, []);
    });

    it('keeps the last call failure of a stage until a record of that stage supersedes it', async () => {
      const dir = await newRun(parent);
      const log = await SampleLog.open(dir);
      await log.append(failure('t1', 0, 'generation', 'call-failed'));
      await log.append(failure('t1', 0, 'generation', 'bad-answer'));
      await log.append(failure('t1', 1, 'generation'));
      await log.append(generation('t1', 1, true));
      await log.append(failure('t1', 1, 'mc'));
      await log.append(failure('t1', 1, 'cot-score'));
      await log.append(verification('t1', 1, 'cot-score', 0.5));
      await log.close();

      const run = await readRun(dir);
      assert.deepEqual([...run.failures.keys()], [sampleKey('t1', 0), sampleKey('t1', 1)]);
      assert.deepEqual(run.failures.get(sampleKey('t1', 0)), new Map([['generation', failure('t1', 0, 'generation', 'bad-answer')]]));
      assert.deepEqual(run.failures.get(sampleKey('t1', 1)), new Map([['mc', failure('t1', 1, 'mc')]]));
      assert.deepEqual(run.warnings, []);
    });

    it('rejects a failure record of an unknown kind, naming the line', async () => {
      const dir = await newRun(parent);
      writeFileSync(join(dir, 'samples.jsonl'), jsonl([generation('t1', 0, true), { ...failure('t1', 0, 'mc'), kind: 'gremlins' }]));
      await rejectsWithUserError(readRun(dir), /samples\.jsonl:2: field "kind"/);
    });

    it('reads a run without samples.jsonl as empty', async () => {
      const run = await readRun(await newRun(parent));
      assert.equal(run.generations.size, 0);
      assert.equal(run.verifications.size, 0);
    });

    it('says when a folder is not a run folder', async () => {
      await rejectsWithUserError(readRun(parent), `${parent} is not a Gap Lens run folder (no run.json)`);
      const missing = join(parent, 'nope');
      await rejectsWithUserError(readRun(missing), `${missing} is not a Gap Lens run folder (no run.json)`);
      const dir = await newRun(parent);
      rmSync(join(dir, 'tasks.jsonl'));
      await rejectsWithUserError(readRun(dir), `${dir} is not a Gap Lens run folder (no tasks.jsonl)`);
    });

    it('rejects a run.json of another schema version, saying which version it reads', async () => {
      const dir = await newRun(parent);
      const file = join(dir, 'run.json');
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), schema: 2, somethingNew: true }));
      await rejectsWithUserError(
        readRun(dir),
        `${file}: schema version 2 ("schema") is not supported; this Gap Lens reads version 1: it was written by a newer Gap Lens, upgrade to read it`,
      );
    });

    it('rejects an invalid run.json naming the field', async () => {
      const dir = await newRun(parent);
      const file = join(dir, 'run.json');
      const m = JSON.parse(readFileSync(file, 'utf8'));
      writeFileSync(file, JSON.stringify({ ...m, config: { ...m.config, n: 0 } }));
      await rejectsWithUserError(readRun(dir), `${file}: field "config.n" must be >= 1`);
      writeFileSync(file, '{"schema": 1,');
      await rejectsWithUserError(readRun(dir), new RegExp(`^${escape(file)}: not valid JSON \\(.+\\); restore the file or start a new run$`));
    });

    it('rejects a task snapshot edited after the run was created', async () => {
      const dir = await newRun(parent);
      const file = join(dir, 'tasks.jsonl');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"5"', '"6"'));
      await rejectsWithUserError(
        readRun(dir),
        `${file} does not match run.json (sha256 differs): the task snapshot was changed after the run was created. Restore it; to run other tasks, start a new run.`,
      );
    });

    it('rejects an invalid line in the middle with its exact line number', async () => {
      const dir = await newRun(parent);
      const file = join(dir, 'samples.jsonl');
      const good = jsonl([generation('t1', 0, true)]);
      const cases: [string, string | RegExp][] = [
        ['{"v":1,"type":"generation",\n', new RegExp(`^${escape(file)}:2: not valid JSON \\(.+\\)$`)],
        ['[1,2]\n', `${file}:2: expected a JSON object`],
        [jsonl([{ ...generation('t1', 1, true), grade: { ...generation('t1', 1, true).grade, correct: 'yes' } }]), `${file}:2: field "grade.correct": expected boolean, received string`],
        [jsonl([{ ...generation('t1', 1, true), text: undefined }]), `${file}:2: missing field "text"`],
        [jsonl([{ ...generation('t1', 1, true), index: 1.5 }]), `${file}:2: field "index" must be a whole number`],
        [jsonl([{ ...generation('t1', 1, true), at: 'yesterday' }]), `${file}:2: field "at" must be an ISO 8601 date-time such as 2026-11-24T08:15:03.000Z`],
        [jsonl([{ ...generation('t1', 1, true), type: 'thought' }]), `${file}:2: unknown record type "thought"; expected "generation", "verification" or "failure"`],
        [jsonl([{ ...generation('t1', 1, true), type: undefined }]), `${file}:2: missing field "type"; expected "generation", "verification" or "failure"`],
        [jsonl([generation('t9', 1, true)]), `${file}:2: task "t9" is not in tasks.jsonl`],
        [jsonl([verification('t1', 0, 'mc', 1.5)]), `${file}:2: field "score" must be in [0, 1]`],
        [jsonl([{ ...verification('t1', 0, 'mc', 0.5), parse: 'failed' }]), `${file}:2: field "score" must be null exactly when parse is "failed"`],
        [jsonl([{ ...generation('t1', 1, true), v: 3 }]), `${file}:2: schema version 3 ("v") is not supported; this Gap Lens reads versions 1 and 2: it was written by a newer Gap Lens, upgrade to read it`],
        [jsonl([{ ...generation('t1', 1, true), v: 0 }]), `${file}:2: schema version 0 ("v") is not supported; this Gap Lens reads versions 1 and 2`],
        [jsonl([{ ...verification('t1', 0, 'mc', 0.5), v: 2 }]), `${file}:2: field "prompt" must be the prompt text in a version-1 record and a reference ({"template", "values" or "matches", "sha256"}) in a version-2 record`],
        [jsonl([{ ...verification('t1', 0, 'mc', 0.5), v: 2, prompt: { template: 'abc', values: { response: 0 }, sha256: '0123456789abcdef' } }]), /^.*:2: .*field "prompt.*template" must be 12 lower-case hex digits/],
      ];
      for (const [bad, message] of cases) {
        writeFileSync(file, good + bad + good);
        await rejectsWithUserError(readRun(dir), message);
      }
    });

    it('rejects an invalid last line that ends with a newline (a complete write, not a torn one)', async () => {
      const dir = await newRun(parent);
      const file = join(dir, 'samples.jsonl');
      writeFileSync(file, jsonl([generation('t1', 0, true)]) + '{"v":1,"type":"gen\n');
      await rejectsWithUserError(readRun(dir, { repair: true }), new RegExp(`^${escape(file)}:2: not valid JSON`));
    });

    it('drops a torn last line with a warning, and repairs the file so appends continue cleanly', async () => {
      const dir = await newRun(parent);
      const file = join(dir, 'samples.jsonl');
      const complete = jsonl([generation('t1', 0, true), verification('t1', 0, 'mc', 0.5)]);
      // Cut inside the multi-byte "Ü": a kill can tear a line between any two bytes.
      const third = Buffer.from(JSON.stringify(generation('q#3', 0, true, 'Ü'.repeat(50))), 'utf8');
      const cut = third.indexOf(Buffer.from('Ü', 'utf8')) + 1;
      writeFileSync(file, Buffer.concat([Buffer.from(complete, 'utf8'), third.subarray(0, cut)]));

      const seen: string[] = [];
      const readOnly = await readRun(dir, { onWarning: (m) => seen.push(m) });
      assert.deepEqual(readOnly.warnings, [`${file}:3: incomplete last line dropped (a writer was interrupted mid-write)`]);
      assert.deepEqual(seen, readOnly.warnings);
      assert.equal(readOnly.generations.size, 1);
      assert.equal(readFileSync(file).length, Buffer.byteLength(complete) + cut, 'reading without repair leaves the file alone');

      const repaired = await readRun(dir, { repair: true });
      assert.deepEqual(repaired.warnings, [
        `${file}:3: incomplete last line dropped (a writer was interrupted mid-write); the file was truncated to its last complete line`,
      ]);
      assert.equal(readFileSync(file, 'utf8'), complete);

      const log = await SampleLog.open(dir);
      await log.append(generation('q#3', 0, true, 'Ü'.repeat(50)));
      await log.close();
      const after = await readRun(dir);
      assert.deepEqual(after.warnings, []);
      assert.deepEqual([...after.generations.keys()], [sampleKey('t1', 0), sampleKey('q#3', 0)]);
    });

    it('accepts a complete last line without its newline, and repair adds the newline', async () => {
      const dir = await newRun(parent);
      const file = join(dir, 'samples.jsonl');
      const text = jsonl([generation('t1', 0, true), generation('t1', 1, false)]).trimEnd();
      writeFileSync(file, text);
      assert.equal((await readRun(dir)).generations.size, 2);
      assert.equal(readFileSync(file, 'utf8'), text);
      const run = await readRun(dir, { repair: true });
      assert.deepEqual(run.warnings, []);
      assert.equal(readFileSync(file, 'utf8'), text + '\n');
    });

    it('keeps the first of duplicate records and counts the rest in one warning per kind', async () => {
      const dir = await newRun(parent);
      const file = join(dir, 'samples.jsonl');
      writeFileSync(
        file,
        jsonl([
          generation('t1', 0, true, 'first'),
          verification('t1', 0, 'mc', 0.9),
          generation('t1', 0, false, 'second'),
          verification('t1', 0, 'mc', 0.1),
          verification('t1', 0, 'cot-score', 0.4),
          generation('t1', 0, false, 'third'),
          generation('t1', 1, true),
        ]),
      );
      const run = await readRun(dir);
      assert.deepEqual(run.warnings, [
        `${file}: ignored 2 duplicate generation records (same task and index as an earlier line; first duplicate at line 3); the earliest record was kept`,
        `${file}: ignored 1 duplicate verification record (same task, index and verifier as an earlier line; first duplicate at line 4); the earliest record was kept`,
      ]);
      assert.equal(run.generations.get(sampleKey('t1', 0))?.text, 'first');
      assert.equal(run.generations.size, 2);
      assert.equal(run.verifications.get(sampleKey('t1', 0))?.get('mc')?.score, 0.9);
      assert.equal(run.verifications.get(sampleKey('t1', 0))?.get('cot-score')?.score, 0.4);
    });

    it('ignores, with a warning, verifications of samples that have no generation', async () => {
      const dir = await newRun(parent);
      const file = join(dir, 'samples.jsonl');
      writeFileSync(file, jsonl([generation('t1', 0, true), verification('t2', 3, 'mc', 0.5), verification('t2', 3, 'cot-score', 0.5), verification('t1', 0, 'mc', 0.2)]));
      const run = await readRun(dir);
      assert.deepEqual(run.warnings, [`${file}: ignored the verifications of 1 sample without a generation record (first at line 2)`]);
      assert.deepEqual([...run.verifications.keys()], [sampleKey('t1', 0)]);
    });

    it('skips blank lines', async () => {
      const dir = await newRun(parent);
      writeFileSync(join(dir, 'samples.jsonl'), '\n' + jsonl([generation('t1', 0, true)]) + '   \n\n' + jsonl([generation('t1', 1, true)]));
      const run = await readRun(dir);
      assert.equal(run.generations.size, 2);
      assert.deepEqual(run.warnings, []);
    });
  });

  it('generationsInOrder follows tasks.jsonl order, then index, whatever the file order', async () => {
    const dir = await newRun(parent);
    appendFileSync(join(dir, 'samples.jsonl'), jsonl([generation('q#3', 0, true), generation('t2', 1, true), generation('t1', 2, true), generation('t2', 0, true), generation('t1', 10, true)]));
    const order = generationsInOrder(await readRun(dir)).map((g) => `${g.task}/${g.index}`);
    assert.deepEqual(order, ['t1/2', 't1/10', 't2/0', 't2/1', 'q#3/0']);
  });

  describe('run.json updates', () => {
    it('markCompleted sets completedAt and keeps everything else, leaving no temp files', async () => {
      const dir = await newRun(parent);
      const before = (await readRun(dir)).manifest;
      await markCompleted(dir, new Date('2026-11-24T09:00:00.000Z'));
      const after = (await readRun(dir)).manifest;
      assert.deepEqual(after, { ...before, completedAt: '2026-11-24T09:00:00.000Z' });
      assert.deepEqual(readdirSync(dir).sort(), ['run.json', 'tasks.jsonl']);
    });

    it('updateManifest applies a change and validates it', async () => {
      const dir = await newRun(parent);
      const next = await updateManifest(dir, (m) => ({ ...m, config: { ...m.config, verifiers: [...m.config.verifiers, 'tournament'] } }));
      assert.deepEqual(next.config.verifiers, ['mc', 'cot-score', 'tournament']);
      assert.deepEqual((await readRun(dir)).manifest, next);
      await assert.rejects(updateManifest(dir, (m) => ({ ...m, createdAt: 'soon' })), /field "createdAt" must be an ISO 8601 date-time/);
      assert.deepEqual((await readRun(dir)).manifest, next, 'a rejected change is not written');
      assert.equal(next.createdAt, AT);
    });

    it('capabilities are optional; when present, every field is validated, and a generation may carry reasoning tokens', async () => {
      const dir = await newRun(parent);
      const model = 'openai:o-fake@http://127.0.0.1:1/v1';
      const caps = reasoningCapabilities(`openai:chat:o-fake@http://127.0.0.1:1/v1`);
      const next = await updateManifest(dir, (m) => ({ ...m, capabilities: { [model]: caps } }));
      assert.deepEqual((await readRun(dir)).manifest.capabilities, next.capabilities);
      await assert.rejects(updateManifest(dir, (m) => ({ ...m, capabilities: { [model]: { ...caps, topLogprobs: 0 } } })), /field "capabilities\.openai:o-fake@http:\/\/127\.0\.0\.1:1\/v1\.topLogprobs"/);
      // A capability name no Gap Lens knows, as a hand-edited or foreign run.json may hold.
      await assert.rejects(updateManifest(dir, (m) => ({ ...m, capabilities: { [model]: { ...caps, said: { nonsense: 'x' } as EndpointCapabilities['said'] } } })), /capabilities/);
      const log = await SampleLog.open(dir);
      await log.append({ ...generation('t1', 0, true), usage: { promptTokens: 10, completionTokens: 5, reasoningTokens: 3 } });
      await log.close();
      assert.equal((await readRun(dir)).generations.get(sampleKey('t1', 0))?.usage?.reasoningTokens, 3);
    });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
