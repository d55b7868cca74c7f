// At most `limit` holders at a time; the others wait in FIFO order, in a linked queue so that
// handing over a slot and dropping a cancelled waiter stay O(1) with tens of thousands queued.
import { abortReason } from './abort';
import { LinkedQueue, type QueueNode } from './linkedQueue';

interface Waiter {
  resolve: () => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiters = new LinkedQueue<Waiter>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  /**
   * Resolves once the caller holds a slot (give it back with `release`); rejects with the
   * signal's reason if it aborts first. `urgent` waiters go to the front of the queue.
   */
  acquire(signal?: AbortSignal, urgent = false): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, signal, onAbort: undefined };
      const node: QueueNode<Waiter> = urgent ? this.waiters.pushFront(waiter) : this.waiters.pushBack(waiter);
      if (signal) {
        waiter.onAbort = () => {
          this.waiters.remove(node);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
    });
  }

  /** Hands the slot to the next waiter, or frees it. */
  release(): void {
    const next = this.waiters.shift();
    if (!next) {
      this.active--;
      return;
    }
    if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
    next.resolve();
  }
}
