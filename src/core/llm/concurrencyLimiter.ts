// At most `limit` holders at a time; the others wait in FIFO order. The queue is a doubly linked
// list so that enqueueing, handing over a slot and dropping a cancelled waiter are all O(1), which
// matters with tens of thousands of queued model calls.
import { abortReason } from './abort';

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

export class ConcurrencyLimiter {
  private active = 0;
  private head: Waiter | undefined;
  private tail: Waiter | undefined;

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
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined, prev: undefined, next: undefined };
      if (signal) {
        waiter.onAbort = () => {
          this.unlink(waiter);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      if (urgent) this.pushFront(waiter);
      else this.pushBack(waiter);
    });
  }

  /** Hands the slot to the next waiter, or frees it. */
  release(): void {
    const next = this.head;
    if (!next) {
      this.active--;
      return;
    }
    this.unlink(next);
    if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
    next.resolve();
  }

  private pushBack(waiter: Waiter): void {
    waiter.prev = this.tail;
    if (this.tail) this.tail.next = waiter;
    else this.head = waiter;
    this.tail = waiter;
  }

  private pushFront(waiter: Waiter): void {
    waiter.next = this.head;
    if (this.head) this.head.prev = waiter;
    else this.tail = waiter;
    this.head = waiter;
  }

  private unlink(waiter: Waiter): void {
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.tail = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
  }
}
