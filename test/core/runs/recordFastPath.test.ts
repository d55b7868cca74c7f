import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { fastFailure, fastGeneration, fastTask, fastVerification, parseRecord } from '../../../src/core/runs/recordFastPath';
import { describeIssues, failureRecordSchema, generationRecordSchema, taskSchema, verificationRecordSchema } from '../../../src/core/runs/recordSchemas';
import { readRunColumns } from '../../../src/core/runs/runColumns';
import { AT, drawn, failure, generation, jsonl, newRun, rejectsWithUserError, TASKS, verification } from './runFixtures';

type Json = Record<string, unknown>;
interface Kind {
  fast: (r: Json) => unknown;
  schema: z.ZodType;
}
const KINDS: Record<string, Kind> = {
  generation: { fast: fastGeneration, schema: generationRecordSchema },
  verification: { fast: fastVerification, schema: verificationRecordSchema },
  failure: { fast: fastFailure, schema: failureRecordSchema },
  // A line of tasks.jsonl, which has no `type`.
  task: { fast: fastTask, schema: taskSchema },
};

const V1_FIXTURE = join(__dirname, '../../fixtures/runs/v1/gsm8k-mc-cot-score/samples.jsonl');
const reference = { template: '0123456789ab', values: { response: 3 }, sha256: '0123456789abcdef' };
const matches = { template: 'abcdef012345', matches: [{ round: 1, values: { response_a: 0, response_b: 1 } }, { round: 2, values: { response_a: 1, response_b: 3 } }], sha256: 'fedcba9876543210' };

/** Valid records of every shape the writers produce: the old-run fixture's lines and version-2 records. */
function baseRecords(): Json[] {
  const v1 = readFileSync(V1_FIXTURE, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json);
  // The fixture's records come in a few shapes; mutating one of each keeps the test quick.
  const shapes = new Map(v1.map((r) => [`${String(r['type'])} ${String(r['verifier'])} ${String(r['parse'])}`, r]));
  const v2 = (r: object): Json => ({ ...r, v: 2 });
  return [
    ...shapes.values(),
    generation('t1', 0, true) as unknown as Json,
    { ...v2(generation('t1', 1, false)), usage: { promptTokens: 3, completionTokens: 4, reasoningTokens: 2 } },
    { ...v2(generation('t1', 2, false)), grade: { correct: false, extracted: null, normalized: null, reason: 'none' } },
    (({ seed: _s, usage: _u, ...imported }) => imported)(v2(generation('t1', 3, true))),
    verification('t1', 0, 'mc', 0.25) as unknown as Json,
    { ...v2(verification('t1', 0, 'mc', 0)), prompt: reference, detail: { method: 'top-k', pCorrect: 0.5 } },
    { ...v2(verification('t1', 0, 'tournament', 1)), prompt: matches },
    { ...v2(verification('t1', 0, 'cot-score', null)), failure: 'labels-absent', prompt: reference },
    { ...v2(drawn('t1', 0, 'cot-score', 2, 0.5)), prompt: reference },
    failure('t1', 0, 'mc') as unknown as Json,
    { ...v2(failure('t1', 0, 'cot-score', 'call-failed')), draw: 1 },
    ...(TASKS as unknown as Json[]),
  ];
}

const ODD_VALUES: unknown[] = [
  undefined, null, true, false, 0, -0, -1, 0.5, 1, 1.5, 2, 3, 2 ** 53, Infinity, NaN, '', 'x', [], {}, [0],
  'ok', 'failed', 'stop', 'generation', 'verification', 'failure', 'bad-answer', 'call-failed', 'unparsable', 'labels-absent',
  AT, '2026-11-24T08:15:03+01:00', '2026-02-30T08:15:03Z', '2026-11-24 08:15:03Z', '2026-11-24T08:15:03',
  '0123456789ab', '0123456789abc', '0123456789AB', '0123456789abcdef', 'g123456789abcdef',
  { response: 0 }, { response: -1 }, { '': 0 }, { response: 0.5 }, reference, matches, [{ round: 0, values: {} }], [{ round: 1, values: {}, extra: 1 }],
  { promptTokens: 1, completionTokens: 1 }, { promptTokens: -1, completionTokens: 1 },
  { correct: true, extracted: '1', normalized: '1', reason: '' },
];

/** Every record differing from `r` in one place: a field removed, replaced by an odd value, or a key added, at any depth. */
function* mutations(r: unknown): Generator<unknown> {
  if (Array.isArray(r)) {
    for (let i = 0; i < r.length; i++) for (const m of mutations(r[i])) yield r.map((x, j) => (j === i ? m : x));
    yield [...r, r[0]];
    yield [];
    return;
  }
  if (typeof r !== 'object' || r === null) {
    yield* ODD_VALUES;
    return;
  }
  const o = r as Json;
  for (const key of Object.keys(o)) {
    const { [key]: _dropped, ...rest } = o;
    yield rest;
    for (const m of mutations(o[key])) yield { ...o, [key]: m };
  }
  yield { ...o, extra: 1 };
  // A key "__proto__" as JSON.parse makes it: an own property.
  yield Object.assign(JSON.parse('{"__proto__": {"x": 1}}') as Json, o);
}

function candidates(): Json[] {
  const out: Json[] = [];
  for (const base of baseRecords()) {
    out.push(base);
    for (const m of mutations(base)) out.push(m as Json);
    // The same records as a line of samples.jsonl carries them (undefined dropped, non-finite numbers null).
    for (const m of mutations(base)) out.push(JSON.parse(JSON.stringify(m)) as Json);
  }
  return out.filter((c) => typeof c === 'object' && c !== null && !Array.isArray(c));
}

function hasProtoKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.hasOwn(value, '__proto__') || Object.values(value).some(hasProtoKey);
}

describe('recordFastPath', () => {
  const all = candidates();
  // A record is checked against the schema of its type; one of no known type against each.
  const kindsOf = (c: Json): Kind[] => {
    const kind = KINDS[String(c['type'])];
    return kind ? [kind] : Object.values(KINDS);
  };

  it('vouches for every record of the old-run fixture', () => {
    for (const line of readFileSync(V1_FIXTURE, 'utf8').split('\n').filter((l) => l !== '')) {
      const record = JSON.parse(line) as Json;
      assert.notEqual(kindsOf(record)[0]?.fast(record), undefined, line);
    }
  });

  it('vouches only for records the schema accepts, with the schema output, key order included', () => {
    let vouched = 0;
    for (const candidate of all) {
      for (const { fast, schema } of Object.values(KINDS)) {
        const own = fast(candidate);
        if (own === undefined) continue;
        vouched++;
        const parsed = schema.safeParse(candidate);
        assert.ok(parsed.success, `the fast path accepted a record the schema rejects (${parsed.success ? '' : describeIssues(parsed.error)}): ${JSON.stringify(candidate)}`);
        assert.deepEqual(own, parsed.data);
        assert.equal(JSON.stringify(own), JSON.stringify(parsed.data));
      }
    }
    assert.ok(vouched > 500, `only ${vouched} of ${all.length} candidates were accepted: the mutations hardly test acceptance`);
  });

  it('accepts every record of a samples.jsonl line, and every task of a tasks.jsonl line, that the schema accepts (none left to the slow path but a "__proto__" key)', () => {
    // A line of samples.jsonl holds no undefined, NaN or Infinity: what survives a JSON round trip.
    for (const candidate of all.filter((c) => !hasProtoKey(c) && isDeepStrictEqual(c, JSON.parse(JSON.stringify(c))))) {
      const kind = KINDS[String(candidate['type'] ?? 'task')];
      if (!kind) continue;
      assert.equal(kind.fast(candidate) !== undefined, kind.schema.safeParse(candidate).success, JSON.stringify(candidate));
    }
  });

  it('accepts and rejects as the schema does, with its message', () => {
    for (const candidate of all) {
      for (const { fast, schema } of kindsOf(candidate)) {
        const combined = parseRecord(candidate, fast, schema);
        const parsed = schema.safeParse(candidate);
        assert.equal(combined.success, parsed.success);
        if (!combined.success && !parsed.success) assert.equal(describeIssues(combined.error), describeIssues(parsed.error));
      }
    }
  });
});

describe('reading a run through the fast path', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'gaplens-fastpath-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('names the file and line of a corrupted record, as the schema words it', async () => {
    const dir = await newRun(tmp);
    const file = join(dir, 'samples.jsonl');
    const good = [generation('t1', 0, true), verification('t1', 0, 'mc', 0.5)];
    const cases: [object, string][] = [
      [{ ...generation('t1', 1, true), grade: { correct: 'yes', extracted: null, normalized: null, reason: '' } }, 'field "grade.correct": expected boolean, received string'],
      [{ ...verification('t1', 1, 'mc', 1.5) }, 'field "score" must be in [0, 1]'],
      [{ ...verification('t1', 1, 'mc', 0.5), parse: 'failed' }, 'field "score" must be null exactly when parse is "failed"'],
      [{ ...failure('t1', 1, 'mc'), at: 'yesterday' }, 'field "at" must be an ISO 8601 date-time such as 2026-11-24T08:15:03.000Z'],
      [(({ text: _t, ...rest }) => rest)(generation('t1', 1, true)), 'missing field "text"'],
    ];
    for (const [bad, message] of cases) {
      writeFileSync(file, jsonl([...good, bad, generation('t1', 2, true)]));
      await rejectsWithUserError(readRunColumns(dir), `${file}:3: ${message}`);
    }
  });
});
