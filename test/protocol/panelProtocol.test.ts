import assert from 'node:assert/strict';
import {
  createMessageQueue,
  goldList,
  handleWebviewMessage,
  parseHostMessage,
  parsePanelState,
  parseRequestResult,
  parseWebviewMessage,
  toSampleColumns,
  VERDICT_NONE,
  type HostMessage,
  type PanelState,
  type Reply,
  type SampleRow,
  type WebviewHandlers,
} from '../../src/protocol/panelProtocol';
import { UserError } from '../../src/core/util/errors';
import { MISSING_SCORE } from '../../src/core/filter/columns';

const row: SampleRow = {
  task: 't1',
  index: 0,
  text: 'The answer is 4.',
  correct: true,
  extracted: '4',
  normalized: '4',
  gradeReason: '4 equals the gold answer 4',
  verifications: [{ verifier: 'mc', score: 0.9, parse: 'ok', prompt: 'Is it right?', raw: 'Correct: 0.9' }],
};

const init: HostMessage = {
  kind: 'notify',
  method: 'init',
  params: { run: { id: 'r1', model: 'm', tasks: 'builtin:gsm8k', n: 4, verifiers: ['mc'], filter: 'quantile:0.8' }, mode: 'gap' },
};

const state: PanelState = {
  runId: 'r1',
  selector: 'mc',
  filter: 'quantile:0.8',
  checkerCorrected: false,
  view: { task: null, show: 'all', sort: 'task', descending: false },
  selection: { task: 't1', index: 0 },
};

function samples(rows: unknown[]): unknown {
  return { kind: 'notify', method: 'samples', params: { tasks: [{ id: 't1', question: 'q', gold: ['4'], grader: 'numeric' }], rows } };
}

function expectError(parsed: { ok: boolean; error?: string }, fragment: string): void {
  assert.equal(parsed.ok, false);
  assert.ok(parsed.error?.includes(fragment), `expected "${fragment}" in: ${parsed.error}`);
}

describe('panel protocol: host messages', () => {
  it('accepts every host notification with good params', () => {
    const good: unknown[] = [
      init,
      samples([row, { ...row, index: 1, correct: null, verifications: [{ verifier: 'mc', score: null, parse: 'failed', parseError: 'no number', prompt: '', raw: '?' }] }]),
      { kind: 'notify', method: 'annotations', params: { records: [{ v: 1, task: 't1', index: 0, cause: 'checker-wrong', note: '', at: '2025-01-02T03:04:05.000Z' }] } },
      { kind: 'notify', method: 'progress', params: { done: 3, total: 8, status: 'running' } },
      { kind: 'notify', method: 'error', params: { message: 'endpoint down' } },
      { kind: 'notify', method: 'command', params: { command: 'nextDisagreement' } },
      { kind: 'reply', id: 3, ok: true, result: { regraded: 2 } },
      { kind: 'reply', id: 4, ok: false, error: { code: 'failed', message: 'disk full' } },
    ];
    for (const message of good) {
      const parsed = parseHostMessage(message);
      assert.ok(parsed.ok, `rejected ${JSON.stringify(message)}: ${parsed.ok ? '' : parsed.error}`);
    }
  });

  it('returns the validated message, extra keys stripped', () => {
    const parsed = parseHostMessage({ ...(init as object), extra: 1 });
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, init);
  });

  it('rejects malformed messages with a reason naming the field', () => {
    expectError(parseHostMessage(null), 'not a panel message');
    expectError(parseHostMessage({ kind: 'shout' }), 'not a panel message');
    expectError(parseHostMessage({ kind: 'notify', method: 'explode', params: {} }), 'unknown host notification "explode"');
    expectError(parseHostMessage({ kind: 'notify', method: 'toString', params: {} }), 'unknown host notification');
    expectError(parseHostMessage({ kind: 'request', id: 1, method: 'annotate', params: {} }), 'does not send "request"');
    expectError(parseHostMessage(samples([{ ...row, index: -1 }])), 'rows[0].index');
    expectError(parseHostMessage(samples([{ ...row, index: 1.5 }])), 'rows[0].index');
    expectError(parseHostMessage(samples([{ ...row, text: undefined }])), 'rows[0].text');
    expectError(parseHostMessage(samples([{ ...row, verifications: [{ ...row.verifications[0], score: 7 }] }])), 'score');
    expectError(parseHostMessage(samples([{ ...row, verifications: [{ ...row.verifications[0], score: null }] }])), 'null exactly when parse');
    expectError(parseHostMessage(samples([{ ...row, verifications: [row.verifications[0], row.verifications[0]] }])), 'each verifier at most once');
    expectError(parseHostMessage({ kind: 'notify', method: 'progress', params: { done: 9, total: 8, status: 'running' } }), 'must not exceed total');
    expectError(parseHostMessage({ kind: 'notify', method: 'init', params: { run: { id: 'r1' }, mode: 'gap' } }), 'run.model');
    const crossRun = { id: 'r1', model: 'openai:gen@http://a/v1', tasks: 'builtin:gsm8k', n: 4, verifiers: ['mc@judge'], filter: 'quantile:0.8' };
    assert.ok(parseHostMessage({ kind: 'notify', method: 'init', params: { run: { ...crossRun, verifierModels: { 'mc@judge': 'openai:judge@http://b/v1' } }, mode: 'gap' } }).ok);
    expectError(parseHostMessage({ kind: 'notify', method: 'init', params: { run: { ...crossRun, verifierModels: { 'mc@judge': '' } }, mode: 'gap' } }), 'run.verifierModels.mc@judge');
    expectError(parseHostMessage({ kind: 'notify', method: 'init', params: { run: { ...crossRun, verifierModels: { 'cot-score@judge': 'openai:judge@http://b/v1' } }, mode: 'gap' } }), 'field "run.verifierModels" must name only verifiers of the run');
    expectError(parseHostMessage({ kind: 'notify', method: 'annotations', params: { records: [{ v: 1, task: 't1', index: 0, cause: 'bored', note: '', at: 'now' }] } }), 'cause');
    expectError(parseHostMessage({ kind: 'reply', id: 0, ok: true, result: {} }), 'reply');
  });

  it('checks a reply result against the method that was asked', () => {
    assert.deepEqual(parseRequestResult('markAnswer', { regraded: 3 }), { ok: true, value: { regraded: 3 } });
    expectError(parseRequestResult('markAnswer', { regraded: 'three' }), 'regraded');
    expectError(parseRequestResult('annotate', {}), 'record');
  });
});

describe('panel protocol: failures and the run state', () => {
  const failedRow: SampleRow = {
    ...row,
    verifications: [{ verifier: 'mc', score: null, parse: 'failed', failure: 'labels-absent', parseError: 'neither label in the top tokens', prompt: 'p', raw: 'r' }],
    callFailures: [{ stage: 'cot-score', kind: 'bad-answer', message: 'http://127.0.0.1:8000/v1: the answer is not JSON' }],
  };
  const zero = { 'bad-answer': 0, 'call-failed': 0, 'prompt-too-long': 0 };
  const coverage = {
    tasks: { expected: 40, done: 8 },
    generations: { expected: 80, done: 16, failed: 2, failures: { ...zero, 'call-failed': 2 }, missing: 62 },
    verifiers: { mc: { expected: 80, scored: 0, failed: 16, failures: { ...zero, unparsable: 0, 'labels-absent': 16, 'invalid-logprob': 0 }, missing: 64 } },
  };
  const runState = (params: unknown): unknown => ({ kind: 'notify', method: 'runState', params });

  it("carries a verification's failure kind and a sample's failed calls", () => {
    const parsed = parseHostMessage(samples([failedRow]));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.deepEqual(parsed.value.kind === 'notify' && parsed.value.method === 'samples' && parsed.value.params.rows[0], failedRow);
    assert.ok(parseRequestResult('sampleDetail', { row: failedRow }).ok);
  });

  it('rejects a failure kind on a parsed verification, unknown kinds, and a call failure beside its verification or of the generation', () => {
    const v = failedRow.verifications[0];
    expectError(parseHostMessage(samples([{ ...failedRow, verifications: [{ ...v, score: 0.5, parse: 'ok' }] }])), 'must be absent when parse is "ok"');
    expectError(parseHostMessage(samples([{ ...failedRow, verifications: [{ ...v, failure: 'tired' }] }])), 'rows[0].verifications[0].failure');
    const call = (f: Record<string, unknown>): unknown => samples([{ ...failedRow, callFailures: [{ stage: 'cot-score', kind: 'call-failed', message: 'timeout', ...f }] }]);
    expectError(parseHostMessage(call({ kind: 'exploded' })), 'rows[0].callFailures[0].kind');
    expectError(parseHostMessage(call({ stage: 'generation' })), 'a row has its generation');
    expectError(parseHostMessage(call({ stage: 'mc' })), 'must not be a verifier the row has a verification of ("mc")');
    expectError(parseHostMessage(call({ message: 3 })), 'rows[0].callFailures[0].message');
    expectError(parseHostMessage(samples([{ ...failedRow, callFailures: [failedRow.callFailures?.[0], failedRow.callFailures?.[0]] }])), 'each verifier at most once');
    expectError(parseHostMessage(samples([{ ...failedRow, callFailures: 'none' }])), 'rows[0].callFailures');
  });

  it('accepts the run state whose counts add up, and names the count that does not', () => {
    const good = parseHostMessage(runState({ coverage, live: true }));
    assert.ok(good.ok, good.ok ? '' : good.error);
    assert.deepEqual(good.value, runState({ coverage, live: true }));
    expectError(parseHostMessage(runState({ coverage })), 'live');
    expectError(parseHostMessage(runState({ coverage: { ...coverage, tasks: { expected: 40, done: 41 } }, live: false })), 'coverage.tasks.done');
    expectError(parseHostMessage(runState({ coverage: { ...coverage, generations: { ...coverage.generations, missing: 61 } }, live: false })), 'coverage.generations.expected');
    expectError(parseHostMessage(runState({ coverage: { ...coverage, generations: { ...coverage.generations, failed: 3, missing: 61 } }, live: false })), 'coverage.generations.failed');
    const mc = coverage.verifiers.mc;
    expectError(parseHostMessage(runState({ coverage: { ...coverage, verifiers: { mc: { ...mc, failures: { ...mc.failures, tired: 1 } } } }, live: false })), 'coverage.verifiers.mc');
    expectError(parseHostMessage(runState({ coverage: { ...coverage, verifiers: { mc: { ...mc, scored: -1, missing: 65 } } }, live: false })), 'coverage.verifiers.mc.scored');
    expectError(parseHostMessage(runState({ coverage: { ...coverage, verifiers: { '': mc } }, live: false })), 'coverage.verifiers');
  });
});

/** A score column as the protocol carries it: null for none. */
const scoreColumn = (scores: (number | null)[]): Float64Array => Float64Array.from(scores, (x) => x ?? MISSING_SCORE);

describe('panel protocol: sample tables and details', () => {
  const rows: SampleRow[] = [
    row,
    { ...row, index: 1, correct: false, extracted: null, normalized: null, verifications: [{ verifier: 'cot-score', score: null, parse: 'failed', prompt: '', raw: '?' }] },
    { ...row, task: 't2', correct: null, verifications: [] },
  ];

  it('turns rows into columns, a null where a verifier has no score for a row', () => {
    assert.deepEqual(toSampleColumns(rows), {
      runTask: ['t1', 't2'],
      runLength: Int32Array.of(2, 1),
      index: Int32Array.of(0, 1, 0),
      correct: Int8Array.of(1, 0, VERDICT_NONE),
      answers: ['4'],
      extracted: Int32Array.of(0, -1, 0),
      normalized: Int32Array.of(0, -1, 0),
      scores: { mc: scoreColumn([0.9, null, null]), 'cot-score': scoreColumn([null, null, null]) },
    });
  });

  it('carries scores as float64s, bit for bit, through the structured clone a webview message is', () => {
    const scores = Float64Array.of(0, 1, 0.1 + 0.2, 5e-324, 1 - Number.EPSILON / 2, MISSING_SCORE);
    const columns = toSampleColumns(Array.from(scores, (score, index) => ({ ...row, index, verifications: [{ verifier: 'mc', score: score === MISSING_SCORE ? null : score, parse: score === MISSING_SCORE ? 'failed' : 'ok', prompt: '', raw: '' }] })));
    const parsed = parseHostMessage(structuredClone({ kind: 'notify', method: 'sampleTable', params: { tasks: [], columns } }));
    assert.ok(parsed.ok && parsed.value.kind === 'notify' && parsed.value.method === 'sampleTable');
    assert.deepEqual(parsed.value.params.columns.scores.mc, scores);
  });

  it('accepts a sample table and rejects ragged or ill-typed columns, naming the entry', () => {
    const table = (columns: unknown): unknown => ({ kind: 'notify', method: 'sampleTable', params: { tasks: [], columns } });
    const good = toSampleColumns(rows);
    assert.ok(parseHostMessage(table(good)).ok);
    assert.ok(parseHostMessage(table(toSampleColumns([]))).ok);
    expectError(parseHostMessage(table({ ...good, runTask: ['t1', ''] })), 'columns.runTask[1]');
    expectError(parseHostMessage(table({ ...good, runLength: Int32Array.of(2) })), 'columns.runLength');
    expectError(parseHostMessage(table({ ...good, runLength: Int32Array.of(2, 0) })), 'columns.runLength[1]');
    expectError(parseHostMessage(table({ ...good, runLength: Int32Array.of(1, 1) })), 'columns.runLength');
    expectError(parseHostMessage(table({ ...good, runLength: [2, 1] })), 'columns.runLength');
    expectError(parseHostMessage(table({ ...good, runTask: 't1' })), 'columns.runTask');
    expectError(parseHostMessage(table({ ...good, index: Int32Array.of(0, 1) })), 'columns.runLength');
    expectError(parseHostMessage(table({ ...good, index: [0, 1, 0] })), 'columns.index');
    expectError(parseHostMessage(table({ ...good, answers: ['4', 5] })), 'columns.answers[1]');
    expectError(parseHostMessage(table({ ...good, extracted: Int32Array.of(0, -1, 1) })), 'columns.extracted[2]');
    expectError(parseHostMessage(table({ ...good, normalized: Int32Array.of(0, -2, 0) })), 'columns.normalized[1]');
    expectError(parseHostMessage(table({ ...good, normalized: Uint32Array.of(0, 0, 0) })), 'columns.normalized');
    expectError(parseHostMessage(table({ ...good, answers: null })), 'columns.answers');
    expectError(parseHostMessage(table({ ...good, index: Int32Array.of(0, -1, 0) })), 'columns.index[1]');
    expectError(parseHostMessage(table({ ...good, correct: Int8Array.of(1, 2, -1) })), 'columns.correct[1]');
    expectError(parseHostMessage(table({ ...good, correct: Int8Array.of(1, 0) })), 'columns.correct');
    expectError(parseHostMessage(table({ ...good, correct: '10-' })), 'columns.correct');
    expectError(parseHostMessage(table({ ...good, correct: Uint8Array.of(1, 0, 0) })), 'columns.correct');
    expectError(parseHostMessage(table({ ...good, scores: { mc: scoreColumn([0.9, 2, null]) } })), 'columns.scores.mc[1]');
    expectError(parseHostMessage(table({ ...good, scores: { mc: Float64Array.of(0.9, NaN, 0) } })), 'columns.scores.mc[1]');
    expectError(parseHostMessage(table({ ...good, scores: { mc: Float64Array.of(0.9, 0, Infinity) } })), 'columns.scores.mc[2]');
    expectError(parseHostMessage(table({ ...good, scores: { mc: scoreColumn([0.9]) } })), 'columns.scores.mc');
    expectError(parseHostMessage(table({ ...good, scores: { mc: [0.9, null, null] } })), 'columns.scores.mc');
    expectError(parseHostMessage(table({ ...good, scores: { mc: Float32Array.of(0.5, 0.5, 0.5) } })), 'columns.scores.mc');
    expectError(parseHostMessage(table({ ...good, scores: [] })), 'columns.scores');
    expectError(parseHostMessage(table(null)), 'columns');
    expectError(parseHostMessage({ kind: 'notify', method: 'sampleTable', params: { tasks: [{ id: '', question: 'q', gold: [], grader: 'x' }], columns: good } }), 'tasks[0].id');
  });

  it('carries each draw of a verifier drawing several verifications: in a row\'s detail and as columns, checked', () => {
    const drawn = (drawScores: unknown): SampleRow => ({ ...row, verifications: [{ verifier: 'cot-score', score: 0.5, parse: 'ok', prompt: 'p', raw: 'r', detail: { seed: 1, drawScores } as Record<string, unknown> }] });
    const columns = toSampleColumns([drawn([0.2, 0.8, null]), { ...row, index: 1 }]);
    assert.deepEqual(columns.draws, { 'cot-score': [[0.2, null], [0.8, null], [null, null]].map(scoreColumn) });
    const table = (c: unknown): unknown => ({ kind: 'notify', method: 'sampleTable', params: { tasks: [], columns: c } });
    assert.ok(parseHostMessage(table(columns)).ok);
    expectError(parseHostMessage(table({ ...columns, draws: { 'cot-score': [scoreColumn([0.2, null])] } })), 'columns.draws.cot-score');
    expectError(parseHostMessage(table({ ...columns, draws: { 'cot-score': [scoreColumn([0.2, null]), scoreColumn([0.8])] } })), 'columns.draws.cot-score[1]');
    expectError(parseHostMessage(table({ ...columns, draws: { 'cot-score': [scoreColumn([0.2, null]), scoreColumn([1.5, null])] } })), 'columns.draws.cot-score[1]');
    expectError(parseHostMessage(table({ ...columns, draws: [] })), 'columns.draws');
    assert.ok(parseHostMessage(samples([drawn([0.2, 0.8, null])])).ok);
    expectError(parseHostMessage(samples([drawn([0.2, -1])])), 'rows[0].verifications[0].detail.drawScores');
    expectError(parseHostMessage(samples([drawn([0.2])])), 'rows[0].verifications[0].detail.drawScores');
    expectError(parseHostMessage(samples([drawn('0.2,0.8')])), 'rows[0].verifications[0].detail.drawScores');
  });

  it('asks for a sample\'s details and checks the row that comes back', () => {
    assert.ok(parseWebviewMessage({ kind: 'request', id: 3, method: 'sampleDetail', params: { task: 't1', index: 0 } }).ok);
    assert.deepEqual(parseRequestResult('sampleDetail', { row }), { ok: true, value: { row } });
    expectError(parseRequestResult('sampleDetail', { row: { ...row, text: 5 } }), 'row.text');
  });
});

describe('panel protocol: webview messages', () => {
  it('accepts notifications and requests', () => {
    const good: unknown[] = [
      { kind: 'notify', method: 'ready', params: { state: null } },
      { kind: 'notify', method: 'ready', params: { state } },
      { kind: 'notify', method: 'filterChanged', params: { selector: 'and(mc,cot-score)', filter: 'topk:2' } },
      { kind: 'request', id: 1, method: 'annotate', params: { task: 't1', index: 0, cause: 'verifier-wrong', note: 'n' } },
      { kind: 'request', id: 2, method: 'markAnswer', params: { task: 't1', answer: '42' } },
      { kind: 'request', id: 3, method: 'openSample', params: { task: 't1', index: 2 } },
      { kind: 'request', id: 4, method: 'copy', params: { text: '' } },
    ];
    for (const message of good) {
      const parsed = parseWebviewMessage(message);
      assert.ok(parsed.ok, `rejected ${JSON.stringify(message)}: ${parsed.ok ? '' : parsed.error}`);
    }
  });

  it('rejects bad requests and keeps the id so they can be answered', () => {
    const badParams = parseWebviewMessage({ kind: 'request', id: 7, method: 'annotate', params: { task: 't1', index: 0, cause: 'meh', note: '' } });
    expectError(badParams, 'cause');
    assert.equal(badParams.replyTo, 7);
    const unknown = parseWebviewMessage({ kind: 'request', id: 8, method: 'deleteRun', params: {} });
    expectError(unknown, 'unknown request "deleteRun"');
    assert.equal(unknown.replyTo, 8);
    const noId = parseWebviewMessage({ kind: 'request', method: 'copy', params: { text: 'x' } });
    expectError(noId, 'id must be a positive integer');
    assert.equal(noId.replyTo, undefined);
    expectError(parseWebviewMessage({ kind: 'reply', id: 1, ok: true, result: {} }), 'does not send "reply"');
    expectError(parseWebviewMessage({ kind: 'notify', method: 'ready', params: { state: { runId: '' } } }), 'state');
  });
});

describe('panel protocol: persisted state and gold answers', () => {
  it('reads a valid state and refuses anything else', () => {
    assert.deepEqual(parsePanelState(state), state);
    assert.equal(parsePanelState(undefined), null);
    assert.equal(parsePanelState({ ...state, view: { ...state.view, show: 'everything' } }), null);
  });

  it('never persists samples: unknown keys are dropped', () => {
    const parsed = parsePanelState({ ...state, rows: [row] });
    assert.ok(parsed);
    assert.equal('rows' in parsed, false);
  });

  it('turns a task answer into a gold list', () => {
    assert.deepEqual(goldList('42'), ['42']);
    assert.deepEqual(goldList(''), []);
    assert.deepEqual(goldList(['Paris', 'paris, france']), ['Paris', 'paris, france']);
  });
});

describe('panel protocol: queue until ready', () => {
  const progress = (done: number): HostMessage => ({ kind: 'notify', method: 'progress', params: { done, total: 10, status: 'running' } });

  it('holds messages until ready, then flushes them in order and posts the rest directly', () => {
    const posted: HostMessage[] = [];
    const queue = createMessageQueue((m) => posted.push(m));
    queue.send(init);
    queue.send(progress(1));
    assert.equal(posted.length, 0);
    assert.equal(queue.held, 2);
    assert.equal(queue.isOpen, false);
    queue.ready();
    assert.deepEqual(posted, [init, progress(1)]);
    assert.equal(queue.held, 0);
    queue.send(progress(2));
    assert.deepEqual(posted, [init, progress(1), progress(2)]);
  });

  it('replaces held messages by a snapshot, and holds again after close', () => {
    const posted: HostMessage[] = [];
    const queue = createMessageQueue((m) => posted.push(m));
    queue.send(progress(1));
    queue.ready([init, progress(5)]);
    assert.deepEqual(posted, [init, progress(5)]);
    queue.close();
    queue.send(progress(6));
    assert.equal(posted.length, 2);
    queue.ready([init, progress(6)]);
    assert.deepEqual(posted, [init, progress(5), init, progress(6)]);
  });
});

describe('panel protocol: host dispatch', () => {
  function setup(overrides: Partial<WebviewHandlers> = {}): { replies: Reply[]; logs: string[]; calls: string[]; run: (raw: unknown) => Promise<void> } {
    const replies: Reply[] = [];
    const logs: string[] = [];
    const calls: string[] = [];
    const handlers: WebviewHandlers = {
      ready: (p) => void calls.push(`ready:${p.state?.runId ?? 'none'}`),
      filterChanged: (p) => void calls.push(`filter:${p.filter}`),
      manageTrust: () => void calls.push('manageTrust'),
      columnsChanged: (p) => void calls.push(`columns:${p.hidden.join(',')}`),
      annotate: async (p) => ({ record: { v: 1, task: p.task, index: p.index, cause: p.cause ?? 'other', note: p.note, at: '2025-01-01T00:00:00.000Z' } }),
      markAnswer: async () => ({ regraded: 4 }),
      openSample: async () => ({}),
      copy: async () => ({}),
      ...overrides,
    };
    return { replies, logs, calls, run: (raw) => handleWebviewMessage(raw, handlers, (r) => replies.push(r), (m) => logs.push(m)) };
  }

  it('routes notifications and answers requests with their result', async () => {
    const { replies, calls, run } = setup();
    await run({ kind: 'notify', method: 'ready', params: { state } });
    await run({ kind: 'notify', method: 'columnsChanged', params: { hidden: ['cot-score', 'tournament'] } });
    await run({ kind: 'notify', method: 'columnsChanged', params: { hidden: [''] } });
    await run({ kind: 'request', id: 5, method: 'markAnswer', params: { task: 't1', answer: '4' } });
    assert.deepEqual(calls, ['ready:r1', 'columns:cot-score,tournament'], 'a column without a name is dropped');
    assert.deepEqual(replies, [{ kind: 'reply', id: 5, ok: true, result: { regraded: 4 } }]);
  });

  it('turns a thrown error into a structured error reply', async () => {
    const { replies, logs, run } = setup({
      annotate: async () => {
        throw new UserError('cannot save the annotation: task "t9" is not in the run');
      },
    });
    await run({ kind: 'request', id: 6, method: 'annotate', params: { task: 't9', index: 0, cause: 'other', note: '' } });
    assert.deepEqual(replies, [{ kind: 'reply', id: 6, ok: false, error: { code: 'failed', message: 'cannot save the annotation: task "t9" is not in the run' } }]);
    assert.equal(logs.length, 1);
  });

  it('answers unknown-method for an optional request the host does not handle', async () => {
    const { replies, run } = setup();
    await run({ kind: 'request', id: 11, method: 'sampleDetail', params: { task: 't1', index: 0 } });
    assert.deepEqual(replies, [{ kind: 'reply', id: 11, ok: false, error: { code: 'unknown-method', message: 'this host does not handle "sampleDetail"' } }]);
  });

  it('logs and drops invalid messages, answering invalid requests that have an id', async () => {
    const { replies, logs, calls, run } = setup();
    await run({ kind: 'notify', method: 'ready', params: {} });
    await run('hello');
    await run({ kind: 'request', id: 9, method: 'openSample', params: { task: 't1' } });
    await run({ kind: 'request', id: 10, method: 'rm', params: {} });
    assert.deepEqual(calls, []);
    assert.equal(logs.length, 4);
    assert.deepEqual(
      replies.map((r) => (r.ok ? 'ok' : `${r.id}:${r.error.code}`)),
      ['9:invalid-request', '10:unknown-method'],
    );
  });
});

describe('panel protocol: endpoint figures', () => {
  const figures = { url: 'http://10.0.0.1:8000/v1', state: 'up', inFlight: 12, limit: 16, answered: 340, callsPerSecond: 41, overloaded: 3, unreachable: 0, latencyMs: 250 };
  const endpoints = (models: unknown): unknown => ({ kind: 'notify', method: 'endpoints', params: { models } });

  it('accepts the figures of each model served by several endpoints, a latency not measured yet, and an empty list', () => {
    for (const models of [[{ model: 'openai:m@http://a/v1,http://b/v1', endpoints: [figures, { ...figures, state: 'down', latencyMs: null }] }], []]) {
      const parsed = parseHostMessage(endpoints(models));
      assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    }
  });

  it('rejects figures that cannot be measured values, naming the field', () => {
    const one = (patch: Record<string, unknown>): unknown => endpoints([{ model: 'm', endpoints: [{ ...figures, ...patch }] }]);
    expectError(parseHostMessage(one({ state: 'sleeping' })), 'state');
    expectError(parseHostMessage(one({ inFlight: -1 })), 'inFlight');
    expectError(parseHostMessage(one({ limit: 0 })), 'limit');
    expectError(parseHostMessage(one({ callsPerSecond: Number.NaN })), 'callsPerSecond');
    expectError(parseHostMessage(one({ latencyMs: Number.POSITIVE_INFINITY })), 'latencyMs');
    expectError(parseHostMessage(one({ url: '' })), 'url');
    expectError(parseHostMessage(endpoints([{ model: 'm', endpoints: [] }])), 'endpoints');
  });
});
