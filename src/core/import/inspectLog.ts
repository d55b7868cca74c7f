// Inspect AI eval logs in JSON (`inspect eval … --log-format json`, or `inspect log convert`): one
// JSON object, EvalLog: `eval` (EvalSpec: task, model, model_base_url, model_generate_config, …),
// `plan.config` (the GenerateConfig), `status`, and `samples`, one EvalSample per dataset sample
// and epoch: `id`, `epoch`, `input` (a string or chat messages), `choices`, `target` (a string or a
// list), `output` (ModelOutput: `choices[].message.content`, `stop_reason`, `usage`), `scores`
// (scorer → Score with `value`, `answer`), `error`. The mapping is docs/import.md, "Inspect AI".
import { canonicalModelSpec } from '../llm/modelSpec';
import type { Usage } from '../llm/backend';
import type { SourceSampling } from '../runs/records';
import { atLine, UserError } from '../util/errors';
import { parseLocatedJson, type JsonPath, type LocatedJson } from '../util/jsonLines';
import { isPlainObject } from '../util/plainObject';
import { describeJson, goldAnswer, importedTask } from './importedTask';
import type { ReadOptions, SourceRead, SourceSample } from './sourceSample';

type Json = Record<string, unknown>;

/** Where Inspect's `openai/…` models go when the log names no base URL: the OpenAI provider's default. */
const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Inspect's stop reasons, as Gap Lens records finish reasons. */
const FINISH_REASONS: Readonly<Record<string, string>> = { stop: 'stop', max_tokens: 'length', model_length: 'length' };

const ATTACHMENT = 'attachment://';

export function readInspectLog(text: string, file: string, opts: ReadOptions): SourceRead {
  const log = parseLog(text, file);
  // A problem names its line; finding lines means parsing again, slowly, so only once there is one.
  let located: LocatedJson | null = null;
  const at = (path: JsonPath): string => atLine(file, (located ??= parseLocatedJson(text, file)).lineOf(path), jsonPathText(path));
  const spec = isPlainObject(log['eval']) ? log['eval'] : null;
  if (spec === null) throw new UserError(`${at(['eval'])}: must be an object (the EvalSpec of an Inspect AI eval log), got ${describeJson(log['eval'])}`);
  if (!Array.isArray(log['samples'])) {
    throw new UserError(`${file}: the log holds no "samples": it was written without them (log_samples=False); run the eval again with samples logged`);
  }
  const warnings: string[] = [];
  const status = log['status'];
  if (typeof status === 'string' && status !== 'success') warnings.push(`${file}: the eval ended with status "${status}": only the samples it logged are imported`);
  const taskName = typeof spec['task'] === 'string' && spec['task'] !== '' ? spec['task'] : null;
  const sampling = samplingOf(log, spec);
  const problems: { path: JsonPath; message: string; sample?: string }[] = [];
  const read: { sample: SourceSample; id: string; epoch: number; position: number }[] = [];
  const seen = new Map<string, number>();
  log['samples'].forEach((raw: unknown, i: number) => {
    const where: JsonPath = ['samples', i];
    if (!isPlainObject(raw)) return void problems.push({ path: where, message: `expected an object (an EvalSample), got ${describeJson(raw)}` });
    const id = raw['id'];
    const epoch = raw['epoch'] ?? 1;
    if (typeof id !== 'string' && typeof id !== 'number') return void problems.push({ path: [...where, 'id'], message: `must be a string or a number, got ${describeJson(id)}` });
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 1) return void problems.push({ path: [...where, 'epoch'], message: `must be a whole number >= 1, got ${describeJson(epoch)}` });
    const named = `(id ${JSON.stringify(id)}, epoch ${epoch})`;
    const key = `${String(id)}\u0000${epoch}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) return void problems.push({ path: where, sample: named, message: `the same id and epoch as samples[${earlier}]` });
    seen.set(key, i);
    if (raw['error'] !== undefined && raw['error'] !== null) {
      return void warnings.push(`${file}: ${jsonPathText(where)} ${named}: Inspect recorded an error for this sample (${errorMessage(raw['error'])}), so it has no answer to import; left out`);
    }
    const sample = readSample(raw, { id: taskName === null ? String(id) : `${taskName}:${String(id)}`, at: `${file}: ${jsonPathText(where)}`, sampling }, opts);
    if ('error' in sample) return void problems.push({ path: [...where, ...sample.error.path], sample: named, message: sample.error.message });
    read.push({ sample: sample.sample, id: String(id), epoch, position: i });
  });
  // A sample's epochs are its repeated samples, in epoch order, whatever order the log keeps.
  const firstPosition = new Map<string, number>();
  for (const r of read) if (!firstPosition.has(r.id)) firstPosition.set(r.id, r.position);
  read.sort((a, b) => (firstPosition.get(a.id) as number) - (firstPosition.get(b.id) as number) || a.epoch - b.epoch);
  const model = typeof spec['model'] === 'string' && spec['model'] !== '' ? spec['model'] : null;
  return {
    samples: read.map((r) => r.sample),
    errors: problems.map((p) => `${at(p.path)}${p.sample === undefined ? '' : ` ${p.sample}`}: ${p.message}`),
    warnings,
    model,
    modelSpec: model === null ? null : callableSpec(model, spec['model_base_url']),
  };
}

/** `samples[3].output.choices`. */
function jsonPathText(path: JsonPath): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`)).join('');
}

function parseLog(text: string, file: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The located parser says on which line the JSON breaks (it throws that UserError).
    value = parseLocatedJson(text, file).value;
  }
  if (!isPlainObject(value)) throw new UserError(`${file}: expected a JSON object (an Inspect AI eval log), got ${describeJson(value)}`);
  return value;
}

interface SampleContext {
  id: string;
  at: string;
  sampling: SourceSampling;
}

/** A problem with a sample: the JSON path below the sample (['output', 'choices']) and what is wrong. */
interface SampleProblem {
  path: JsonPath;
  message: string;
}

function readSample(raw: Json, ctx: SampleContext, opts: ReadOptions): { sample: SourceSample } | { error: SampleProblem } {
  const attachments = isPlainObject(raw['attachments']) ? raw['attachments'] : {};
  const question = questionOf(raw['input'], attachments);
  if ('error' in question) return { error: { path: ['input'], message: question.error } };
  const choices = raw['choices'];
  if (choices !== undefined && choices !== null && !(Array.isArray(choices) && choices.every((c) => typeof c === 'string'))) {
    return { error: { path: ['choices'], message: `must be a list of strings, got ${describeJson(choices)}` } };
  }
  const gold = goldAnswer(raw['target'], 'target');
  if ('error' in gold) return { error: { path: ['target'], message: gold.error } };
  const output = isPlainObject(raw['output']) ? raw['output'] : {};
  const answer = outputOf(output, attachments);
  if ('error' in answer) return answer;
  const metadata = isPlainObject(raw['metadata']) && Object.keys(raw['metadata']).length > 0 ? { metadata: raw['metadata'] } : {};
  const built = importedTask(
    {
      id: ctx.id,
      question: withChoices(question.text, Array.isArray(choices) ? (choices as string[]) : []),
      answer: gold.answer,
      meta: { inspect: { id: raw['id'], ...(Array.isArray(raw['input']) ? { input: raw['input'] } : {}), ...metadata } },
    },
    opts.grader,
  );
  if ('error' in built) return { error: { path: ['target'], message: built.error } };
  return {
    sample: {
      at: ctx.at,
      task: built.task,
      graderFrom: built.graderFrom,
      text: answer.text,
      finishReason: answer.finishReason,
      usage: usageOf(output['usage']),
      sourceScore: scoresOf(raw['scores']),
      sampling: ctx.sampling,
    },
  };
}

/** The question: the input string, or the text of the last user message of a chat input. */
function questionOf(input: unknown, attachments: Json): { text: string } | { error: string } {
  if (typeof input === 'string') return input.trim() === '' ? { error: 'is empty' } : { text: resolve(input, attachments) };
  if (!Array.isArray(input)) return { error: `must be a string or a list of chat messages, got ${describeJson(input)}` };
  const user = [...input].reverse().find((m) => isPlainObject(m) && m['role'] === 'user');
  if (!isPlainObject(user)) return { error: 'has no user message to take the question from' };
  const text = messageText(user['content'], attachments);
  if (text === null || text.trim() === '') return { error: 'the last user message has no text' };
  return { text };
}

/** A multiple-choice question lists its choices as Inspect's multiple_choice solver does: A) …, B) …. */
function withChoices(question: string, choices: string[]): string {
  if (choices.length === 0) return question;
  return `${question}\n\n${choices.map((c, i) => `${String.fromCharCode(65 + i)}) ${c}`).join('\n')}`;
}

/** The first choice's text and finish reason. */
function outputOf(output: Json, attachments: Json): { text: string; finishReason: string } | { error: SampleProblem } {
  const choices = output['choices'];
  if (!Array.isArray(choices) || choices.length === 0) {
    // Older logs may carry only the completion text.
    if (typeof output['completion'] === 'string' && output['completion'] !== '') return { text: resolve(output['completion'], attachments), finishReason: 'unknown' };
    return { error: { path: ['output', 'choices'], message: 'the sample has no model output' } };
  }
  const first = choices[0] as unknown;
  const message = isPlainObject(first) ? first['message'] : undefined;
  if (!isPlainObject(first) || !isPlainObject(message)) return { error: { path: ['output', 'choices', 0, 'message'], message: `must be an object (the assistant message), got ${describeJson(message)}` } };
  const text = messageText(message['content'], attachments);
  if (text === null) return { error: { path: ['output', 'choices', 0, 'message', 'content'], message: `must be a string or a list of content parts, got ${describeJson(message['content'])}` } };
  const stop = first['stop_reason'];
  return { text, finishReason: typeof stop === 'string' ? (FINISH_REASONS[stop] ?? stop) : 'unknown' };
}

/** A message's text, as Inspect's ChatMessage.text: the content string, or its text parts joined by newlines; null when the content is neither. */
function messageText(content: unknown, attachments: Json): string | null {
  if (typeof content === 'string') return resolve(content, attachments);
  if (!Array.isArray(content)) return null;
  return content.flatMap((part) => (isPlainObject(part) && part['type'] === 'text' && typeof part['text'] === 'string' ? [resolve(part['text'], attachments)] : [])).join('\n');
}

/** Inspect may store long text once, as `attachment://<hash>` with the text in the sample's `attachments`. */
function resolve(text: string, attachments: Json): string {
  if (!text.startsWith(ATTACHMENT)) return text;
  const stored = attachments[text.slice(ATTACHMENT.length)];
  return typeof stored === 'string' ? stored : text;
}

function usageOf(usage: unknown): Usage | null {
  if (!isPlainObject(usage)) return null;
  const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  const { input_tokens: promptTokens, output_tokens: completionTokens } = usage;
  return count(promptTokens) && count(completionTokens) ? { promptTokens, completionTokens } : null;
}

/** Each scorer's value (and the answer it extracted, when it says). */
function scoresOf(scores: unknown): Json | null {
  if (!isPlainObject(scores) || Object.keys(scores).length === 0) return null;
  return Object.fromEntries(
    Object.entries(scores).map(([name, score]) => [name, isPlainObject(score) ? { value: score['value'] ?? null, ...(typeof score['answer'] === 'string' ? { answer: score['answer'] } : {}) } : score]),
  );
}

function errorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  return isPlainObject(error) && typeof error['message'] === 'string' ? error['message'] : 'no message';
}

/** The generation settings the eval ran with: the plan's GenerateConfig, else the model's. */
function samplingOf(log: Json, spec: Json): SourceSampling {
  const configs = [isPlainObject(log['plan']) ? log['plan']['config'] : undefined, spec['model_generate_config']].filter(isPlainObject);
  const setting = (name: string, ok: (n: number) => boolean): number | null => {
    const value = configs.map((c) => c[name]).find((v) => v !== undefined && v !== null);
    return typeof value === 'number' && ok(value) ? value : null;
  };
  return {
    temperature: setting('temperature', (n) => n >= 0),
    topP: setting('top_p', (n) => n > 0 && n <= 1),
    maxTokens: setting('max_tokens', (n) => Number.isInteger(n) && n >= 1),
    seed: setting('seed', Number.isInteger),
  };
}

/**
 * `openai/NAME` (Inspect's OpenAI provider) as the spec of the endpoint it called: the log's
 * model_base_url, else OpenAI's. Other providers are not called through a URL the log names.
 */
function callableSpec(model: string, baseUrl: unknown): string | null {
  const name = /^openai\/(.+)$/.exec(model)?.[1];
  if (name === undefined) return null;
  try {
    return canonicalModelSpec(`openai:${name}@${typeof baseUrl === 'string' && baseUrl !== '' ? baseUrl : OPENAI_BASE_URL}`);
  } catch {
    return null;
  }
}
