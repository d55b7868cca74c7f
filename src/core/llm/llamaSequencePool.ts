// A fixed set of llama.cpp context sequences handed out first come, first served. Every sample and
// every next-token query runs on one sequence it holds exclusively; requests beyond the pool size
// wait (abortably) instead of failing, so callers may run as many requests at once as they like.
import { ConcurrencyLimiter } from './concurrencyLimiter';

export class SequencePool<T> {
  private readonly free: T[];
  private readonly limiter: ConcurrencyLimiter;

  constructor(items: readonly T[]) {
    this.free = items.slice();
    this.limiter = new ConcurrencyLimiter(items.length);
  }

  /** Runs `work` with an item of its own, once one is free; rejects with the signal's reason if it aborts first. */
  async use<R>(signal: AbortSignal, work: (item: T) => Promise<R>): Promise<R> {
    await this.limiter.acquire(signal);
    // Holding a permit means an item is free. The most recently released one comes first: its
    // cache most likely holds this same prompt.
    const item = this.free.pop() as T;
    try {
      return await work(item);
    } finally {
      this.free.push(item);
      this.limiter.release();
    }
  }
}
