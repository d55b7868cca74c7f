// lm-evaluation-harness `--log_samples` output, samples_<task>_<date>.jsonl: one JSON object per
// document and filter, as its EvaluationTracker writes them: `doc_id`, `doc` (the dataset row),
// `target` (always through Python's str()), `arguments` ({"gen_args_0": {"arg_0": prompt, "arg_1":
// generation kwargs}}; before v0.4.3 a list [[prompt, kwargs]]), `resps` (per request, its raw
// responses: a generate_until task has one request whose `repeats` responses are the samples),
// `filtered_resps`, `filter`, `metrics` (the metric names) and each metric's value. A task with
// several filters (gsm8k: strict-match, flexible-extract) logs every document once per filter.
// The mapping to tasks is docs/import.md, "lm-evaluation-harness".
import { basename } from 'node:path';
import { isPlainObject } from '../util/plainObject';
import { atLine } from '../util/errors';
import { gsm8kFinalAnswer } from '../tasks/jsonRecords';
import type { GraderName } from '../tasks/task';
import type { SourceSampling } from '../runs/records';
import { describeJson, goldAnswer, importedTask, type GraderChoice } from './importedTask';
import { pythonStringList } from './pythonStringList';
import type { ReadOptions, SourceRead, SourceSample } from './sourceSample';

type Json = Record<string, unknown>;

/** Fields lm-eval writes that are not metric values (older versions have no `metrics` list naming those). */
const BOOKKEEPING = new Set(['doc_id', 'doc', 'target', 'arguments', 'resps', 'filtered_resps', 'filter', 'metrics', 'doc_hash', 'prompt_hash', 'target_hash']);

/** Benchmarks whose checker the task name decides, by lm-eval task-name prefix. */
const TASK_GRADERS: readonly (readonly [RegExp, GraderName])[] = [
  [/^gsm8k/, 'numeric'],
  [/^(hendrycks_math|minerva_math)/, 'math'],
  [/^(nq_open|triviaqa)/, 'nq'],
];

/** A document's fields that hold the question itself, in the order they are looked for. */
const QUESTION_FIELDS = ['question', 'problem'];

interface Document {
  line: number;
  responses: string[];
  /** filter → metric → value; shared by every sample of the document. */
  scores: Record<string, Json>;
}

export function readLmEvalSamples(text: string, file: string, opts: ReadOptions): SourceRead {
  const task = lmEvalTaskName(file);
  const samples: SourceSample[] = [];
  const errors: string[] = [];
  const documents = new Map<string, Document>();
  text.split(/\r?\n/).forEach((lineText, i) => {
    const line = i + 1;
    if (lineText.trim() === '') return;
    const fail = (message: string): void => {
      errors.push(atLine(file, line, message));
    };
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (err) {
      return fail(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!isPlainObject(value)) return fail(`expected a JSON object (one document of lm-eval's --log_samples output), got ${describeJson(value)}`);
    const doc = readDocument(value, task, opts);
    if ('error' in doc) return fail(doc.error);
    const filter = typeof value['filter'] === 'string' ? value['filter'] : 'none';
    const first = documents.get(doc.task.id);
    if (first !== undefined) {
      // The same document again under another filter: the same responses, more metric values.
      if (JSON.stringify(first.responses) !== JSON.stringify(doc.responses)) return fail(`doc_id ${String(value['doc_id'])} was already read at line ${first.line} with other responses`);
      if (filter in first.scores) return fail(`doc_id ${String(value['doc_id'])} with filter "${filter}" was already read at line ${first.line}`);
      first.scores[filter] = metricValues(value);
      return;
    }
    const document: Document = { line, responses: doc.responses, scores: { [filter]: metricValues(value) } };
    documents.set(doc.task.id, document);
    for (const response of doc.responses) {
      samples.push({ at: `${file}:${line}`, task: doc.task, graderFrom: doc.graderFrom, text: response, finishReason: 'unknown', usage: null, sourceScore: document.scores, sampling: doc.sampling });
    }
  });
  return { samples, errors, warnings: [], model: null, modelSpec: null };
}

/** The task name in lm-eval's file name samples_<task>_<date>.jsonl; else the file's own name. */
export function lmEvalTaskName(file: string): string {
  const name = basename(file);
  const match = /^samples_(.+?)(?:_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?)?\.jsonl?$/.exec(name);
  return match?.[1] ?? name.replace(/\.jsonl?$/, '');
}

type ReadDocument = { task: SourceSample['task']; graderFrom: GraderChoice; responses: string[]; sampling: SourceSampling } | { error: string };

function readDocument(record: Json, taskName: string, opts: ReadOptions): ReadDocument {
  const docId = record['doc_id'];
  if (typeof docId !== 'number' || !Number.isInteger(docId) || docId < 0) return { error: `"doc_id" must be a whole number >= 0, got ${describeJson(docId)}` };
  const request = generationRequest(record['arguments']);
  if ('error' in request) return request;
  const responses = readResponses(record['resps']);
  if ('error' in responses) return responses;
  const doc = isPlainObject(record['doc']) ? record['doc'] : {};
  const question = QUESTION_FIELDS.map((f) => doc[f]).find((q): q is string => typeof q === 'string' && q.trim() !== '') ?? request.prompt;
  const gold = lmEvalGold(record['target']);
  if ('error' in gold) return gold;
  const id = `${taskName}:${docId}`;
  const meta = { lmEval: { task: taskName, docId, prompt: request.prompt }, ...(gold.solution !== undefined ? { solution: gold.solution } : {}) };
  const implied = TASK_GRADERS.find(([pattern]) => pattern.test(taskName))?.[1] ?? (gold.solution !== undefined ? 'numeric' : undefined);
  const built = importedTask({ id, question, answer: gold.answer, ...(implied ? { grader: implied } : {}), meta }, opts.grader);
  if ('error' in built) return built;
  return { task: built.task, graderFrom: built.graderFrom, responses: responses.texts, sampling: samplingOf(request.kwargs) };
}

/**
 * The one generation request of a generate_until document: its prompt and generation kwargs.
 * Loglikelihood (multiple-choice) documents have a request per choice, each a (context,
 * continuation) pair with no kwargs: there is no generated answer to verify.
 */
function generationRequest(args: unknown): { prompt: string; kwargs: Json } | { error: string } {
  // v0.4.3 and later: {"gen_args_0": {"arg_0": …, "arg_1": …}, …}; before: [[…, …], …].
  const requests = isPlainObject(args) ? Object.values(args).map((r) => (isPlainObject(r) ? [r['arg_0'], r['arg_1']] : r)) : args;
  if (!Array.isArray(requests) || requests.length === 0) return { error: `"arguments" must hold the document's generation request (gen_args_0), got ${describeJson(args)}` };
  const [first] = requests as unknown[];
  const [prompt, kwargs] = Array.isArray(first) ? (first as unknown[]) : [];
  if (requests.length > 1 || !isPlainObject(kwargs)) {
    return { error: `"arguments" holds ${requests.length} request${requests.length === 1 ? '' : 's'} without generation settings: this is a loglikelihood (multiple-choice) task, which generates no answers to verify; only generate_until tasks can be imported` };
  }
  if (typeof prompt !== 'string') return { error: `"arguments": the prompt (gen_args_0.arg_0) must be a string, got ${describeJson(prompt)}` };
  return { prompt, kwargs };
}

/** The raw responses of the one request: `resps` is [[response, …]]. */
function readResponses(resps: unknown): { texts: string[] } | { error: string } {
  const request = Array.isArray(resps) && resps.length === 1 ? resps[0] : undefined;
  if (!Array.isArray(request) || request.length === 0) return { error: `"resps" must be a list holding one list of responses ([["…", …]]), got ${describeJson(resps)}` };
  const bad = request.findIndex((r) => typeof r !== 'string');
  if (bad >= 0) return { error: `"resps[0][${bad}]" must be a string (a model response), got ${describeJson(request[bad])}` };
  return { texts: request as string[] };
}

/**
 * The gold answer from `target`: a Python list literal of strings (a str()'d list of aliases), a
 * GSM8K worked solution (the number after its last `####`; the solution is kept), or the text.
 */
function lmEvalGold(target: unknown): { answer: string | string[]; solution?: string } | { error: string } {
  if (typeof target === 'number') return { answer: String(target) };
  if (typeof target === 'string') {
    const aliases = pythonStringList(target.trim());
    if (aliases !== null) return goldAnswer(aliases, 'target');
    const final = target.includes('####') ? gsm8kFinalAnswer(target) : null;
    if (final !== null) return { answer: final, solution: target };
  }
  return goldAnswer(target, 'target');
}

/** The document's metric values: the fields `metrics` names, or (older versions) every number or boolean field. */
function metricValues(record: Json): Json {
  const names = Array.isArray(record['metrics']) ? record['metrics'].filter((m): m is string => typeof m === 'string') : Object.keys(record).filter((k) => !BOOKKEEPING.has(k));
  return Object.fromEntries(names.flatMap((name) => (typeof record[name] === 'number' || typeof record[name] === 'boolean' ? [[name, record[name]]] : [])));
}

/** What the generation kwargs say: `do_sample: false` is greedy decoding (temperature 0). */
function samplingOf(kwargs: Json): SourceSampling {
  const number = (v: unknown, ok: (n: number) => boolean): number | null => (typeof v === 'number' && ok(v) ? v : null);
  return {
    temperature: kwargs['do_sample'] === false ? 0 : number(kwargs['temperature'], (n) => n >= 0),
    topP: number(kwargs['top_p'], (n) => n > 0 && n <= 1),
    maxTokens: number(kwargs['max_gen_toks'], (n) => Number.isInteger(n) && n >= 1),
    seed: null,
  };
}
