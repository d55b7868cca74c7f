// Gap Lens import JSONL (docs/import.md): one task per line with the samples generated for it,
// {"task": "q1", "question": "…", "gold": "42", "samples": ["…", "…"], "grader": "numeric", "meta": {…}}.
// For generations made by anything else: a few lines of a script turn them into this.
import { atLine } from '../util/errors';
import { isPlainObject } from '../util/plainObject';
import { GRADER_NAMES, type GraderName } from '../tasks/task';
import { describeJson, goldAnswer, importedTask, type GraderChoice } from './importedTask';
import { UNKNOWN_SAMPLING, type ReadOptions, type SourceRead, type SourceSample } from './sourceSample';

const FIELDS = ['task', 'question', 'gold', 'samples', 'grader', 'meta'];
const EXAMPLE = '{"task": "q1", "question": "What is 6 × 7?", "gold": "42", "samples": ["6 × 7 = 42", "It is 48."]}';

export function readPlainSamples(text: string, file: string, opts: ReadOptions): SourceRead {
  const samples: SourceSample[] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    if (lineText.trim() === '') return;
    const at = `${file}:${i + 1}`;
    const read = readLine(lineText, opts);
    if ('error' in read) return void errors.push(atLine(file, i + 1, read.error));
    for (const sample of read.samples) samples.push({ at, task: read.task, graderFrom: read.graderFrom, text: sample, finishReason: 'unknown', usage: null, sourceScore: null, sampling: UNKNOWN_SAMPLING });
  });
  return { samples, errors, warnings: [], model: null, modelSpec: null };
}

function readLine(text: string, opts: ReadOptions): { task: SourceSample['task']; graderFrom: GraderChoice; samples: string[] } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (!isPlainObject(value)) return { error: `expected a JSON object like ${EXAMPLE}, got ${describeJson(value)}` };
  const unknown = Object.keys(value).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) return { error: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; the fields are ${FIELDS.join(', ')}` };
  const { task: rawId, question, gold, samples, grader, meta } = value;
  const id = typeof rawId === 'number' && Number.isInteger(rawId) ? String(rawId) : rawId;
  if (typeof id !== 'string' || id === '') return { error: `"task" must be a non-empty string (the task id), got ${describeJson(rawId)}` };
  if (typeof question !== 'string' || question.trim() === '') return { error: `"question" must be a non-empty string, got ${describeJson(question)}` };
  const answer = goldAnswer(gold, 'gold');
  if ('error' in answer) return answer;
  if (!Array.isArray(samples) || samples.length === 0) return { error: `"samples" must be a non-empty list of the model's outputs (strings), got ${describeJson(samples)}` };
  const bad = samples.findIndex((s) => typeof s !== 'string');
  if (bad >= 0) return { error: `"samples[${bad}]" must be a string (a model output), got ${describeJson(samples[bad])}` };
  if (grader !== undefined && !(GRADER_NAMES as readonly unknown[]).includes(grader)) return { error: `unknown grader ${JSON.stringify(grader)}; use one of ${GRADER_NAMES.join(', ')}` };
  if (meta !== undefined && !isPlainObject(meta)) return { error: `"meta" must be an object, got ${describeJson(meta)}` };
  if (isPlainObject(meta) && 'import' in meta) return { error: '"meta.import" is where Gap Lens records where each sample came from; rename that field' };
  const built = importedTask({ id, question, answer: answer.answer, ...(grader !== undefined ? { grader: grader as GraderName } : {}), ...(meta !== undefined ? { meta } : {}) }, opts.grader);
  if ('error' in built) return built;
  return { task: built.task, graderFrom: built.graderFrom, samples: samples as string[] };
}
