// Child process for the response cache's multi-process tests.
//   churn DIR SEED OPS MAX_BYTES: reads and writes a key set shared with the other churners, with a
//     small limit so that they evict each other's packs; a read must be a miss or exactly the value
//     of its key. Prints "ok HITS MISSES" and exits 0, or prints the first problem and exits 1.
//   write DIR FROM TO close|exit: stores entries FROM..TO-1 (writtenValue), then closes the cache
//     and prints "done", or (exit) calls process.exit(0) at once, with the answers still waiting.
//   write-big DIR: stores big values forever (bigValue), appending each at once and printing
//     "flushed I" once entry I is in the pack.
//   hold DIR I: stores entry I, appends it, prints "ready" and waits to be killed.
import { cacheKey, ResponseCache } from '../../../src/core/llm/responseCache';
import { createRng } from '../../../src/core/util/random';

export const SHARED_KEYS = 300;

export function workerKey(i: number): string {
  return cacheKey('worker', 'generate', { i });
}

export function churnValue(i: number): { i: number; text: string } {
  return { i, text: `${i}:`.padEnd(1000 + (i % 7) * 1500, 'v') };
}

export function writtenValue(i: number): { i: number; text: string } {
  return { i, text: `${i}:`.padEnd(200 + (i % 13) * 100, 'w') };
}

/** 1 to 8 MB: appending one takes milliseconds, long enough for a kill to land inside the write. */
export function bigValue(i: number): string {
  return `${i}:`.padEnd(1_000_000 * (1 + (i % 8)), String.fromCharCode(97 + (i % 26)));
}

async function churn(dir: string, seed: number, ops: number, maxBytes: number): Promise<void> {
  const cache = ResponseCache.open(dir, { maxBytes, onWarning: (m) => fail(`warning: ${m}`) });
  const rng = createRng(seed);
  let hits = 0;
  let misses = 0;
  for (let op = 0; op < ops; op++) {
    const i = rng.int(SHARED_KEYS);
    if (rng.next() < 0.5) {
      await cache.set(workerKey(i), churnValue(i));
      continue;
    }
    const got = await cache.get<{ i: number; text: string }>(workerKey(i));
    if (got === undefined) misses++;
    else if (JSON.stringify(got) === JSON.stringify(churnValue(i))) hits++;
    else fail(`key ${i} read back as ${JSON.stringify(got).slice(0, 80)}`);
  }
  await cache.close();
  process.stdout.write(`ok ${hits} ${misses}\n`);
}

async function write(dir: string, from: number, to: number, end: string): Promise<void> {
  const cache = ResponseCache.open(dir);
  for (let i = from; i < to; i++) await cache.set(workerKey(i), writtenValue(i));
  if (end === 'exit') process.exit(0);
  await cache.close();
  process.stdout.write('done\n');
}

async function writeBig(dir: string): Promise<void> {
  const cache = new ResponseCache(dir, { maxBytes: 2 ** 40 });
  for (let i = 0; ; i++) {
    await cache.set(workerKey(i), bigValue(i));
    cache.flush();
    process.stdout.write(`flushed ${i}\n`);
  }
}

async function hold(dir: string, i: number): Promise<void> {
  const cache = new ResponseCache(dir);
  await cache.set(workerKey(i), writtenValue(i));
  cache.flush();
  process.stdout.write('ready\n');
  setInterval(() => undefined, 60_000);
}

function fail(message: string): never {
  process.stdout.write(`${message}\n`);
  process.exit(1);
}

if (require.main === module) {
  const [mode, dir = '', a = '', b = '', c = ''] = process.argv.slice(2);
  const done =
    mode === 'churn' ? churn(dir, Number(a), Number(b), Number(c))
    : mode === 'write' ? write(dir, Number(a), Number(b), c)
    : mode === 'hold' ? hold(dir, Number(a))
    : writeBig(dir);
  done.catch((err: unknown) => fail(`error: ${err instanceof Error ? err.message : String(err)}`));
}
