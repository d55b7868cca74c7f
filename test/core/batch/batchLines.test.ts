import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSuccess, parseResultLine, requestLine } from '../../../src/core/batch/batchLines';
import { ResultIndex } from '../../../src/core/batch/resultIndex';
import { ShardWriter } from '../../../src/core/batch/shardWriter';
import { UserError } from '../../../src/core/util/errors';
import { tempDir } from '../../helpers/cli';

const ok = (id: string, text: string): string => JSON.stringify({ id: `r-${id}`, custom_id: id, response: { status_code: 200, request_id: 'x', body: { choices: [{ text }] } }, error: null });
const failed = (id: string, status: number, message: string): string => JSON.stringify({ custom_id: id, response: { status_code: status, body: { error: { message } } }, error: null });
const expired = (id: string): string => JSON.stringify({ custom_id: id, response: null, error: { code: 'batch_expired', message: 'not run before the window closed' } });

describe('batch/batchLines', () => {
  it('writes a request as the OpenAI batch line, custom_id first', () => {
    const line = requestLine({ customId: 'k1', url: '/v1/chat/completions', body: { model: 'm', messages: [] } });
    assert.deepEqual(JSON.parse(line), { custom_id: 'k1', method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [] } });
  });

  it('reads answers, error answers (OpenAI and vLLM shapes) and requests that never ran', () => {
    const answer = parseResultLine(ok('a', 'hi'));
    assert.deepEqual(answer, { customId: 'a', kind: 'answer', status: 200, body: { choices: [{ text: 'hi' }] } });
    assert.equal(isSuccess(answer as never), true);
    const error = parseResultLine(failed('b', 400, 'too long'));
    assert.deepEqual(error, { customId: 'b', kind: 'answer', status: 400, body: { error: { message: 'too long' } } });
    assert.equal(isSuccess(error as never), false);
    // vLLM: a status, no body, the error as a string.
    const vllm = parseResultLine(JSON.stringify({ id: 'v', custom_id: 'c', response: { status_code: 400, request_id: 'r' }, error: 'bad things' }));
    assert.deepEqual(vllm, { customId: 'c', kind: 'answer', status: 400, body: { error: { message: 'bad things' } } });
    assert.deepEqual(parseResultLine(expired('d')), { customId: 'd', kind: 'not-run', message: 'batch_expired: not run before the window closed' });
  });

  it('says what is wrong with a line that is not a result', () => {
    assert.match((parseResultLine('{') as { problem: string }).problem, /not JSON/);
    assert.match((parseResultLine('{"custom_id": 3}') as { problem: string }).problem, /"custom_id" must be a non-empty string/);
    assert.match((parseResultLine('{"custom_id": "x"}') as { problem: string }).problem, /needs a "response" or an "error"/);
    assert.match((parseResultLine('{"custom_id": "x", "response": {"status_code": 20}}') as { problem: string }).problem, /HTTP status/);
  });
});

describe('batch/resultIndex', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const file = (name: string, lines: string[], prefix = ''): string => {
    const path = join(dir, name);
    writeFileSync(path, prefix + lines.join('\n') + '\n');
    return path;
  };

  it('matches by custom_id whatever the order, reading each result back from its file', async () => {
    const index = new ResultIndex();
    try {
      const got = await index.add(file('out.jsonl', [ok('z', 'last'), '', ok('a', 'first'), failed('m', 500, 'oops')], '\uFEFF'));
      assert.deepEqual(got, { lines: 3, duplicates: 0 });
      assert.equal(index.size, 3);
      assert.deepEqual(await index.get('a'), { customId: 'a', kind: 'answer', status: 200, body: { choices: [{ text: 'first' }] } });
      assert.deepEqual(await index.get('z'), { customId: 'z', kind: 'answer', status: 200, body: { choices: [{ text: 'last' }] } });
      assert.equal((await index.get('m'))?.kind, 'answer');
      assert.equal(await index.get('nope'), undefined);
    } finally {
      await index.close();
    }
  });

  it('a success outranks an error whatever the file order; between equals the later one wins', async () => {
    const index = new ResultIndex();
    try {
      await index.add(file('first.jsonl', [ok('a', 'one'), expired('b'), ok('c', 'old')]));
      const second = await index.add(file('second.jsonl', [failed('a', 500, 'late error'), ok('b', 'retried'), ok('c', 'new'), ok('c', 'newer')]));
      assert.equal(second.duplicates, 1);
      assert.deepEqual((await index.get('a')) as unknown, { customId: 'a', kind: 'answer', status: 200, body: { choices: [{ text: 'one' }] } });
      assert.equal(((await index.get('b')) as { body: { choices: { text: string }[] } }).body.choices[0]?.text, 'retried');
      assert.equal(((await index.get('c')) as { body: { choices: { text: string }[] } }).body.choices[0]?.text, 'newer');
    } finally {
      await index.close();
    }
  });

  it('refuses a file with a line that is not a result, naming the file and line', async () => {
    const index = new ResultIndex();
    const path = file('bad.jsonl', [ok('a', 'x'), '{"custom_id": ""}']);
    await assert.rejects(index.add(path), (err: unknown) => err instanceof UserError && err.message.startsWith(`${path}:2: not a batch result line`));
    await index.close();
  });
});

describe('batch/shardWriter', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  const request = (i: number, model = 'm') => ({ model, request: { customId: `id${i}`, url: '/v1/chat/completions' as const, body: { model, pad: 'x'.repeat(i % 3) } } });

  it('keeps each shard within the request and byte limits, one model per shard, every request once', async () => {
    const writer = new ShardWriter(dir, { limits: { maxRequests: 3, maxBytes: 200 }, nameOf: (k) => `s${k}` });
    for (let i = 0; i < 10; i++) {
      const { model, request: r } = request(i, i % 4 === 0 ? 'other' : 'm');
      writer.add(model, r, i % 2 === 0 ? 'generation' : 'mc');
    }
    const shards = await writer.finish();
    const ids: string[] = [];
    for (const shard of shards) {
      const lines = readFileSync(shard.file, 'utf8').trimEnd().split('\n');
      assert.equal(lines.length, shard.requests);
      assert.ok(shard.requests <= 3);
      assert.equal(Buffer.byteLength(readFileSync(shard.file)), shard.bytes);
      assert.ok(shard.bytes <= 200);
      for (const line of lines) {
        const parsed = JSON.parse(line) as { custom_id: string; body: { model: string } };
        assert.equal(parsed.body.model, shard.model);
        ids.push(parsed.custom_id);
      }
      assert.equal(Object.values(shard.stages).reduce((a, b) => a + b, 0), shard.requests);
    }
    assert.deepEqual(ids.sort(), Array.from({ length: 10 }, (_, i) => `id${i}`).sort());
    assert.deepEqual(shards.map((s) => s.name), shards.map((_, k) => `s${k}`));
  });

  it('spreads requests over several shards side by side', async () => {
    const writer = new ShardWriter(dir, { limits: { maxRequests: 100, maxBytes: 1 << 20 }, nameOf: (k) => `s${k}`, spread: 3 });
    for (let i = 0; i < 10; i++) writer.add('m', request(i).request, 'generation');
    const shards = await writer.finish();
    assert.deepEqual(shards.map((s) => s.requests), [4, 3, 3]);
  });

  it('refuses a request larger than a whole batch file', async () => {
    const writer = new ShardWriter(dir, { limits: { maxRequests: 100, maxBytes: 50 }, nameOf: (k) => `s${k}` });
    writer.add('m', { customId: 'big', url: '/v1/completions', body: { prompt: 'x'.repeat(100) } }, 'generation');
    await assert.rejects(writer.finish(), (err: unknown) => err instanceof UserError && /big.*more than a batch file may hold/.test(err.message));
  });
});
