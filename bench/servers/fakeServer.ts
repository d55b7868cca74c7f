// The benchmarks' model server: the test fixture's fake OpenAI server (fixed latency, deterministic
// answers), in a process of its own so that the client's CPU is measured alone. One addition: a
// request that carries promptfoo's llm-rubric grading prompt is answered with the JSON verdict
// that grader expects, so promptfoo's model-graded assertion produces real verdicts instead of
// parse errors. With --batch it also serves the Files and Batches endpoints. The fixture's capacity and rate-limit flags model a server's limits (the endpoints
// benchmark). A Gap Lens cot-score verification prompt gets a short verification ending in
// "Score: K" (K from 1 to 10, fixed by the prompt), so that the promptfoo benchmark's same-work
// comparison verifies for real on both sides. Prints {"url": ...} on stdout; stops on SIGTERM. Run under tsx, not bundled: in a
// bundle the fixture's own `require.main === module` check would start a second server.
import { parseArgs } from 'node:util';
import { LIMIT_OPTIONS, limitsFrom, startFakeOpenAI, type FakeAnswer, type FakeRequest } from '../../test/fixtures/openaiServer';
import { createRng } from '../../src/core/util/random';

function rubricVerdict(req: FakeRequest): FakeAnswer | undefined {
  if (req.topLogprobs !== undefined || !req.prompt.includes('<Rubric>')) return undefined;
  const score = createRng(`rubric\u0000${req.prompt}`).next();
  return { text: JSON.stringify({ reason: 'Checked the final answer against the rubric.', pass: score >= 0.5, score: Math.round(score * 1000) / 1000 }) };
}

/** The cot-score template ends its prompt with "Verification:" (templates/verify-cot-score.txt). */
function cotScore(req: FakeRequest): FakeAnswer | undefined {
  if (req.topLogprobs !== undefined || !req.prompt.trimEnd().endsWith('Verification:')) return undefined;
  const score = 1 + Math.floor(createRng(`cot-score\u0000${req.prompt}`).next() * 10);
  return { text: ` Checked each step of the response against the question.\nScore: ${score}` };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'latency-ms': { type: 'string', default: '20' },
      'no-n': { type: 'boolean', default: false },
      'no-prompt-scoring': { type: 'boolean', default: false },
      // Also the Files and Batches endpoints (test/fixtures/batchApi.ts): the batch benchmark.
      batch: { type: 'boolean', default: false },
      ...LIMIT_OPTIONS,
    },
  });
  const server = await startFakeOpenAI({
    latencyMs: Number(values['latency-ms']),
    supportsN: !values['no-n'],
    ...(values['no-prompt-scoring'] ? { echo: 'refused', promptLogprobs: 'refused' } as const : {}),
    logRequests: false,
    respond: (req) => rubricVerdict(req) ?? cotScore(req),
    ...(values.batch ? { batch: {} } : {}),
    ...limitsFrom(values),
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
