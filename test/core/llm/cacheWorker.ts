// Child process for the response cache's multi-process tests.
//   churn DIR SEED OPS MAX_BYTES: reads and writes a key set shared with the other churners, with a
//     small limit so that they evict each other's entries; a read must be a miss or exactly the
//     value of its key. Prints "ok HITS MISSES" and exits 0, or prints the first problem and exits 1.
//   write-big DIR: stores 16 MB values forever (writing one takes hundreds of milliseconds, long
//     enough to be killed in the middle), printing "go" after the first.
import { cacheKey, ResponseCache } from '../../../src/core/llm/responseCache';
import { createRng } from '../../../src/core/util/random';

export const SHARED_KEYS = 300;

export function churnKey(i: number): string {
  return cacheKey('churn', 'generate', { i });
}

export function churnValue(i: number): { i: number; text: string } {
  return { i, text: `${i}:`.padEnd(1000 + (i % 7) * 1500, 'v') };
}

async function churn(dir: string, seed: number, ops: number, maxBytes: number): Promise<void> {
  const cache = ResponseCache.open(dir, { maxBytes, onWarning: (m) => fail(`warning: ${m}`) });
  const rng = createRng(seed);
  let hits = 0;
  let misses = 0;
  for (let op = 0; op < ops; op++) {
    const i = rng.int(SHARED_KEYS);
    if (rng.next() < 0.5) {
      await cache.set(churnKey(i), churnValue(i));
      continue;
    }
    const got = await cache.get<{ i: number; text: string }>(churnKey(i));
    if (got === undefined) misses++;
    else if (JSON.stringify(got) === JSON.stringify(churnValue(i))) hits++;
    else fail(`key ${i} read back as ${JSON.stringify(got).slice(0, 80)}`);
  }
  await cache.settled();
  process.stdout.write(`ok ${hits} ${misses}\n`);
}

async function writeBig(dir: string): Promise<void> {
  const cache = new ResponseCache(dir, { maxBytes: 2 ** 40 });
  for (let i = 0; ; i++) {
    await cache.set(cacheKey('big', 'generate', { i }), 'x'.repeat(16_000_000));
    if (i === 0) process.stdout.write('go\n');
  }
}

function fail(message: string): never {
  process.stdout.write(`${message}\n`);
  process.exit(1);
}

if (require.main === module) {
  const [mode, dir, seed, ops, maxBytes] = process.argv.slice(2);
  const done = mode === 'churn' ? churn(dir as string, Number(seed), Number(ops), Number(maxBytes)) : writeBig(dir as string);
  done.catch((err: unknown) => fail(`error: ${err instanceof Error ? err.message : String(err)}`));
}
