// The script a user would write instead of Gap Lens: the openai SDK plus p-limit, the same calls
// (N samples per task in one request with `n`, then one logprob call per sample for the
// multiple-choice verifier, with the same prompts and parameters), at the same concurrency,
// results written to one JSONL file. No run folder, grading, resume, cache or retry policy
// beyond the SDK's defaults. Prints one JSON line with the measurements.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';
import pLimit from 'p-limit';

const { values: v } = parseArgs({
  options: {
    tasks: { type: 'string' },
    limit: { type: 'string' },
    'base-url': { type: 'string' },
    model: { type: 'string', default: 'fake-model' },
    n: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '64' },
    templates: { type: 'string' },
    out: { type: 'string' },
  },
});

async function main(): Promise<void> {
  const n = Number(v.n);
  const client = new OpenAI({ baseURL: v['base-url'], apiKey: 'none' });
  const limit = pLimit(Number(v.concurrency));
  const generate = readFileSync(path.join(v.templates ?? 'templates', 'generate.numeric.txt'), 'utf8');
  const verify = readFileSync(path.join(v.templates ?? 'templates', 'verify-mc.txt'), 'utf8');
  const tasks = readFileSync(v.tasks ?? '', 'utf8').split('\n').filter(Boolean).slice(0, v.limit ? Number(v.limit) : undefined)
    .map((line) => JSON.parse(line) as { question: string; answer: string });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let calls = 0;
  const results = await Promise.all(tasks.map(async (task, t) => {
    const prompt = generate.replace('{{question}}', task.question);
    const gen = await limit(() => client.completions.create({ model: v.model ?? '', prompt, n, temperature: 0.7, top_p: 0.9, max_tokens: 512, seed: t, stop: ['\nQuestion:'] }));
    calls++;
    return Promise.all(gen.choices.map((choice) => limit(async () => {
      const judge = verify.replace('{{question}}', task.question.trim()).replace('{{response}}', choice.text.trim());
      const res = await client.completions.create({ model: v.model ?? '', prompt: judge, max_tokens: 1, temperature: 0, logprobs: 20 });
      calls++;
      const top = res.choices[0]?.logprobs?.top_logprobs?.[0] ?? {};
      const p = (label: string): number => Object.entries(top).filter(([tok]) => tok.trim() === label).reduce((s, [, lp]) => s + Math.exp(lp), 0);
      const score = p('Correct') + p('Incorrect') > 0 ? p('Correct') / (p('Correct') + p('Incorrect')) : null;
      return { task: t, index: choice.index, text: choice.text, score };
    })));
  }));
  writeFileSync(v.out ?? 'samples.jsonl', results.flat().map((r) => JSON.stringify(r)).join('\n') + '\n');
  const phaseMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(`${JSON.stringify({ phaseMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, tasks: tasks.length, calls, samples: results.flat().length })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
