// `gaplens report --samples F`: statistics over samples scored outside Gap Lens. One JSON object
// per line: {"task": "q1", "correct": true, "scores": {"mc": 0.73}, "index"?: 0, "answer"?: "42"}.
import { atLine, UserError } from '../util/errors';
import type { ScoredSample } from '../stats/types';
import { errorCode } from './files';
import { parseJson, readLines } from './jsonlFile';
import { isPlainObject } from '../util/plainObject';
import { sampleKey } from './sampleKey';

const EXAMPLE = '{"task": "q1", "correct": true, "scores": {"mc": 0.73}}';

/**
 * Reads and validates a scored-samples file. `index` defaults to the number of earlier lines of
 * the same task; unknown fields are ignored; blank lines are skipped. Samples come back grouped
 * by task (in order of first appearance), then by index.
 */
export async function readScoredSamplesFile(file: string): Promise<ScoredSample[]> {
  const samples: { sample: ScoredSample; taskOrder: number }[] = [];
  const taskOrder = new Map<string, number>();
  const perTask = new Map<string, number>();
  const seenAt = new Map<string, number>();
  try {
    for await (const { line, text } of readLines(file)) {
      if (text.trim() === '') continue;
      const sample = parseSample(text, (msg) => new UserError(atLine(file, line, msg)), (task) => perTask.get(task) ?? 0);
      const key = sampleKey(sample.task, sample.index);
      const first = seenAt.get(key);
      if (first !== undefined) {
        throw new UserError(atLine(file, line, `duplicate sample: task "${sample.task}" index ${sample.index} already appeared at line ${first}`));
      }
      seenAt.set(key, line);
      perTask.set(sample.task, (perTask.get(sample.task) ?? 0) + 1);
      if (!taskOrder.has(sample.task)) taskOrder.set(sample.task, taskOrder.size);
      samples.push({ sample, taskOrder: taskOrder.get(sample.task) ?? 0 });
    }
  } catch (err) {
    if (errorCode(err) === 'ENOENT') throw new UserError(`${file}: no such file`);
    if (errorCode(err) === 'EISDIR') throw new UserError(`${file} is a folder; --samples takes a JSONL file, one ${EXAMPLE} per line`);
    throw err;
  }
  if (samples.length === 0) throw new UserError(`${file}: no samples; expected one JSON object per line, like ${EXAMPLE}`);
  samples.sort((a, b) => a.taskOrder - b.taskOrder || a.sample.index - b.sample.index);
  return samples.map((s) => s.sample);
}

function parseSample(text: string, fail: (msg: string) => UserError, earlierOfTask: (task: string) => number): ScoredSample {
  const json = parseJson(text);
  if (!json.ok) throw fail(`not valid JSON (${json.error})`);
  const value = json.value;
  if (!isPlainObject(value)) throw fail(`expected a JSON object like ${EXAMPLE}`);

  const task = parseTask(value['task'], fail);
  const correct = value['correct'];
  if (correct === undefined) throw fail('missing "correct" (true, false, 1 or 0)');
  if (correct !== true && correct !== false && correct !== 1 && correct !== 0) {
    throw fail(`"correct" must be true, false, 1 or 0 (got ${shown(correct)})`);
  }
  const scores = parseScores(value['scores'], fail);

  const index = value['index'] ?? earlierOfTask(task);
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) {
    throw fail(`"index" must be a non-negative integer (got ${shown(index)})`);
  }
  const answer = value['answer'];
  if (answer !== undefined && answer !== null && typeof answer !== 'string') {
    throw fail(`"answer" must be a string or null (got ${shown(answer)})`);
  }
  return { task, index, correct: correct === true || correct === 1, scores, ...(answer !== undefined ? { answer } : {}) };
}

// Task ids exported from dataframes are often plain integers; they name the same task as their
// decimal string.
function parseTask(task: unknown, fail: (msg: string) => UserError): string {
  if (task === undefined) throw fail('missing "task" (the task id)');
  if (typeof task === 'number' && Number.isSafeInteger(task)) return String(task);
  if (typeof task !== 'string' || task === '') throw fail(`"task" must be a non-empty string (got ${shown(task)})`);
  return task;
}

function parseScores(scores: unknown, fail: (msg: string) => UserError): Record<string, number | null> {
  if (scores === undefined) throw fail('missing "scores" (verifier name -> score in [0, 1] or null), e.g. {"mc": 0.73}');
  if (!isPlainObject(scores)) throw fail(`"scores" must be an object mapping verifier names to scores (got ${shown(scores)})`);
  const out: Record<string, number | null> = {};
  for (const [name, score] of Object.entries(scores)) {
    if (score !== null && (typeof score !== 'number' || !(score >= 0 && score <= 1))) {
      throw fail(`"scores.${name}" must be a number in [0, 1] or null (got ${shown(score)})`);
    }
    out[name] = score;
  }
  return out;
}

const MAX_SHOWN = 40;

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}
