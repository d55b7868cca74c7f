// The floor under every client: the same requests as the hand-written baseline, sent with bare
// node:http over keep-alive connections and a counter for the concurrency limit — no SDK, no
// validation, no files. What it achieves is the most this server and loopback allow on this
// machine, which tells how much of a gap to C/L is the client's and how much is not.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: v } = parseArgs({
  options: {
    tasks: { type: 'string' },
    limit: { type: 'string' },
    'base-url': { type: 'string' },
    model: { type: 'string', default: 'fake-model' },
    n: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '64' },
    templates: { type: 'string' },
  },
});

interface Completion {
  choices: { index: number; text: string }[];
}

async function main(): Promise<void> {
  const n = Number(v.n);
  const base = new URL(`${v['base-url'] ?? ''}/completions`);
  const agent = new http.Agent({ keepAlive: true });
  const post = (body: unknown): Promise<Completion> => new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(base, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Completion));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
  let active = 0;
  const waiting: (() => void)[] = [];
  const limited = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= Number(v.concurrency)) await new Promise<void>((r) => waiting.push(r));
    else active++;
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
  const generate = readFileSync(path.join(v.templates ?? 'templates', 'generate.numeric.txt'), 'utf8');
  const verify = readFileSync(path.join(v.templates ?? 'templates', 'verify-mc.txt'), 'utf8');
  const tasks = readFileSync(v.tasks ?? '', 'utf8').split('\n').filter(Boolean).slice(0, v.limit ? Number(v.limit) : undefined)
    .map((line) => JSON.parse(line) as { question: string });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let calls = 0;
  await Promise.all(tasks.map(async (task, t) => {
    const gen = await limited(() => post({ model: v.model, prompt: generate.replace('{{question}}', task.question), n, temperature: 0.7, top_p: 0.9, max_tokens: 512, seed: t, stop: ['\nQuestion:'] }));
    calls++;
    await Promise.all(gen.choices.map((choice) => limited(async () => {
      const judge = verify.replace('{{question}}', task.question.trim()).replace('{{response}}', choice.text.trim());
      await post({ model: v.model, prompt: judge, max_tokens: 1, temperature: 0, logprobs: 20 });
      calls++;
    })));
  }));
  const phaseMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ phaseMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, tasks: tasks.length, calls })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
