// A finished run folder of any size for the panel benchmark, written the way `gaplens run` writes one
// (samples format 2) without a model: tasks of the GSM8K shape, N generations each graded by the real
// numeric grader, and an mc and a cot-score verification per sample whose prompt references are made
// by core's promptReference from the run's own template copies (so the panel's detail pane re-renders
// them exactly). Outputs are seeded pseudo-random text of realistic length; the verifiers lean
// towards the right verdict, so the gap is positive.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { getGrader } from '../../src/core/grade/graders';
import { prepareRunOfTasks } from '../../src/core/pipeline/runSession';
import { renderTemplate } from '../../src/core/prompts/load';
import { SAMPLES_SCHEMA_VERSION, type GenerationRecord, type RunConfig, type VerificationRecord } from '../../src/core/runs/records';
import { markCompleted } from '../../src/core/runs/runStore';
import { promptReference } from '../../src/core/runs/verificationPrompts';
import type { Task } from '../../src/core/tasks/task';
import { createRng } from '../../src/core/util/random';

const AT = '2026-12-01T00:00:00.000Z';
const FILLER = 'First we work out each quantity step by step, then add the parts and check the total against the question.';

export interface SyntheticRun {
  dir: string;
  samples: number;
  bytes: number;
}

/** Writes a complete run of `tasks` × `n` samples into `dir` (which must not exist); `settings` over the run's config (e.g. another API). */
export async function writeSyntheticRun(dir: string, tasks: number, n: number, seed = 0, settings: Partial<Pick<RunConfig, 'api' | 'model'>> = {}): Promise<SyntheticRun> {
  const rng = createRng(`synthetic-run:${seed}`);
  const taskList: Task[] = Array.from({ length: tasks }, (_, t) => ({
    id: `gsm8k-${t}`,
    question: `Natalia sold clips to ${t % 97} of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May? (variant ${t})`,
    answer: String(t % 1000),
    grader: 'numeric',
  }));
  const config: RunConfig = {
    tasks: 'synthetic', model: 'openai:bench-model@http://127.0.0.1:9/v1', api: 'completions', n, verifiers: ['mc', 'cot-score'], filter: 'quantile:0.5',
    temperature: 0.7, topP: 0.95, maxTokens: 512, verifierTemperature: 0, verifierMaxTokens: 256, seed: 1, concurrency: 64,
    ...settings,
  };
  const prepared = await prepareRunOfTasks(config, taskList, { out: dir, runsRoot: path.dirname(dir), now: new Date(AT) });
  const grader = getGrader('numeric');
  const out = createWriteStream(path.join(dir, 'samples.jsonl'));
  let bytes = 0;
  let chunk = '';
  const line = (record: GenerationRecord | VerificationRecord): void => {
    chunk += JSON.stringify(record) + '\n';
  };
  for (const task of taskList) {
    const p = rng.next();
    const texts: string[] = [];
    for (let index = 0; index < n; index++) {
      const correct = rng.next() < p;
      const answer = correct ? task.answer : String(Number(task.answer) + 1 + Math.floor(rng.next() * 9));
      const text = `${FILLER} ${FILLER} So she sold ${answer} clips.\n#### ${answer}`;
      texts.push(text);
      line({ v: SAMPLES_SCHEMA_VERSION, type: 'generation', task: task.id, index, seed: 1000 + index, text, finishReason: 'stop', usage: { promptTokens: 180, completionTokens: 60 }, grade: grader.grade(text, task), at: AT });
    }
    for (let index = 0; index < n; index++) {
      const text = texts[index] as string;
      const correct = grader.grade(text, task).correct;
      const lean = (correct ? 0.62 : 0.38) + (rng.next() - 0.5) * 0.7;
      const pCorrect = Math.min(0.999, Math.max(0.001, lean));
      for (const verifier of ['mc', 'cot-score'] as const) {
        const template = prepared.templates.get(`verify-${verifier}`, task.grader);
        const texts_ = { question: task.question, generation: (i: number) => texts[i] };
        const sent = renderTemplate(template, { question: task.question.trim(), response: text.trim() });
        const prompt = promptReference(sent, template, { values: { response: index } }, texts_);
        const score10 = Math.max(1, Math.min(10, Math.round(pCorrect * 10)));
        const record: VerificationRecord =
          verifier === 'mc'
            ? { v: SAMPLES_SCHEMA_VERSION, type: 'verification', task: task.id, index, verifier, score: pCorrect, parse: 'ok', prompt, raw: ` Correct: ${pCorrect.toFixed(4)}, Incorrect: ${(1 - pCorrect).toFixed(4)}`, detail: { method: 'top-k', pCorrect, pIncorrect: 1 - pCorrect }, at: AT }
            : { v: SAMPLES_SCHEMA_VERSION, type: 'verification', task: task.id, index, verifier, score: (score10 - 1) / 9, parse: 'ok', prompt, raw: `The solution adds the two months correctly and the arithmetic checks out. ${FILLER}\nScore: ${score10}`, detail: { score: score10 }, at: AT };
        line(record);
      }
    }
    if (chunk.length > 1 << 20) {
      bytes += Buffer.byteLength(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  bytes += Buffer.byteLength(chunk);
  out.end(chunk);
  await once(out, 'finish');
  await markCompleted(dir, new Date(AT));
  return { dir, samples: tasks * n, bytes };
}
