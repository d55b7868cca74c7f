// One transport of the OpenAI backend under load: `--calls` first-token logprob calls (the mc
// verifier's call, most of a gap check's calls) through the scheduler at `--concurrency`, against
// the fake server. The transports:
//   node-http    the node:http poster alone, as Gap Lens called endpoints before the SDK, with the
//                same answer validation;
//   sdk          core's backend: the openai SDK over the same posters (the CLI, and VS Code);
//   sdk-fetch    the SDK over Node's own fetch, as the SDK comes;
//   sdk-undici   the SDK over undici's fetch with its proxy-aware agent (the CLI when proxy
//                variables are set; none is, so calls go direct).
// Prints one JSON line with the measurements.
import { parseArgs } from 'node:util';
import type { ModelBackend, NextTokenRequest } from '../../src/core/llm/backend';
import { createJsonPoster } from '../../src/core/llm/httpPost';
import { createOpenAIBackend } from '../../src/core/llm/openaiBackend';
import { useFetchForEndpoints } from '../../src/core/llm/openaiClient';
import { readTopLogprobs } from '../../src/core/llm/openaiResponses';
import { createScheduler } from '../../src/core/llm/scheduler';
import { useUndiciForEndpoints } from '../../src/cli/network';

export interface TransportRunOutput {
  phaseMs: number;
  cpuMs: number;
  maxRssMiB: number;
  calls: number;
  failures: number;
}

const TRANSPORTS = ['node-http', 'sdk', 'sdk-fetch', 'sdk-undici'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** A verification-sized prompt (~1.5 kB, like verify-mc.txt around a GSM8K question and answer), distinct per call. */
function promptFor(i: number): string {
  return `${'Question: a farmer has some hens and some cows, and counts the legs. '.repeat(20)}\nCall ${i}. Is the answer above correct? Answer:`;
}

/** The poster with the backend's own handling of an answer: status, JSON, validated top logprobs. */
function posterBackend(baseUrl: string, model: string): ModelBackend {
  const endpoint = new URL(`${baseUrl}/completions`);
  const poster = createJsonPoster(endpoint);
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  return {
    id: `node-http:${model}@${baseUrl}`,
    generate: () => Promise.reject(new Error('the transport benchmark makes logprob calls only')),
    async nextToken(req: NextTokenRequest, signal?: AbortSignal) {
      const answer = await poster.post(endpoint.pathname, JSON.stringify({ model, prompt: req.prompt, max_tokens: 1, temperature: 0, logprobs: req.topLogprobs }), headers, signal);
      if (answer.status !== 200) throw new Error(`${endpoint.href} answered HTTP ${answer.status}`);
      return readTopLogprobs('completions', JSON.parse(answer.body.toString('utf8')) as unknown, endpoint.href);
    },
    close: async () => poster.close(),
  };
}

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      'base-url': { type: 'string' },
      model: { type: 'string', default: 'fake-model' },
      transport: { type: 'string', default: 'sdk' },
      calls: { type: 'string', default: '1024' },
      concurrency: { type: 'string', default: '256' },
    },
  });
  const transport = v.transport as Transport;
  if (!TRANSPORTS.includes(transport) || !v['base-url']) throw new Error(`transportClient: --base-url and --transport ${TRANSPORTS.join('|')} are required`);
  const baseUrl = v['base-url'];
  const model = v.model ?? 'fake-model';
  if (transport === 'sdk-fetch') useFetchForEndpoints(globalThis.fetch);
  if (transport === 'sdk-undici') await useUndiciForEndpoints();
  const inner = transport === 'node-http' ? posterBackend(baseUrl, model) : createOpenAIBackend({ baseUrl, model, api: 'completions' });
  const backend = createScheduler(inner, { concurrency: Number(v.concurrency) });
  const calls = Number(v.calls);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const settled = await Promise.allSettled(Array.from({ length: calls }, (_, i) => backend.nextToken({ prompt: promptFor(i), topLogprobs: 20 })));
  const phaseMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await backend.close();
  const output: TransportRunOutput = {
    phaseMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    calls,
    failures: settled.filter((s) => s.status === 'rejected').length,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
