// The fake OpenAI server (bench/servers/fakeServer.ts) as a separate process, so that client and
// server do not share a CPU core's time slices or an event loop.
import path from 'node:path';
import { firstJsonLine, startProcess, type ProcessUsage } from './processRun';

export interface FakeServerCounters {
  requests: number;
  maxInFlight: number;
  ok: number;
  faults: number;
  errors: number;
  /** 429s of its capacity or rate limit. */
  rateLimited: number;
}

export interface FakeServerProcess {
  url: string;
  counters(): Promise<FakeServerCounters>;
  /** Stops the server; resolves with what it cost. */
  stop(): Promise<ProcessUsage>;
}

export interface FakeServerOptions {
  latencyMs: number;
  /** Reject n > 1 like llama.cpp's server (the client must fall back to one request per sample). */
  noN?: boolean;
  /**
   * Refuse to score prompts (echo, prompt_logprobs), like OpenAI's chat models: the mc verifier
   * then reads first-token top logprobs, one request per sample, as a hand-written script does.
   */
  noPromptScoring?: boolean;
  /** Also serve the OpenAI Files and Batches endpoints. */
  batch?: boolean;
  /** At most this many requests served at once; beyond: an immediate 429, or with `queue` a wait (latency grows). */
  capacity?: number;
  queue?: boolean;
  /** A token bucket: this many requests a second (burst `burst`), an immediate 429 with retry-after-ms beyond. */
  ratePerSecond?: number;
  burst?: number;
}

export const FAKE_SERVER_SCRIPT = path.join('bench', 'servers', 'fakeServer.ts');

export function fakeServerCommand(opts: FakeServerOptions): string[] {
  return [
    '--require', 'tsx/cjs', FAKE_SERVER_SCRIPT, '--latency-ms', String(opts.latencyMs),
    ...(opts.noN ? ['--no-n'] : []),
    ...(opts.noPromptScoring ? ['--no-prompt-scoring'] : []),
    ...(opts.batch ? ['--batch'] : []),
    ...(opts.capacity !== undefined ? ['--capacity', String(opts.capacity), ...(opts.queue ? ['--capacity-queue'] : [])] : []),
    ...(opts.ratePerSecond !== undefined ? ['--rate-per-second', String(opts.ratePerSecond), '--rate-burst', String(opts.burst ?? opts.ratePerSecond)] : []),
  ];
}

export async function startFakeServer(repoRoot: string, opts: FakeServerOptions): Promise<FakeServerProcess> {
  const started = startProcess(process.execPath, fakeServerCommand(opts), { cwd: repoRoot });
  const { url } = await firstJsonLine<{ url: string }>(started, 'the fake OpenAI server');
  const countersUrl = url.replace(/\/v1$/, '/_fake/counters');
  return {
    url,
    counters: async () => (await (await fetch(countersUrl)).json()) as FakeServerCounters,
    stop: async () => {
      started.child.kill('SIGTERM');
      return (await started.finished).usage;
    },
  };
}
