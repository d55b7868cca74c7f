// Where the scheduler sends each attempt of a model served by several endpoints (a vLLM fleet:
// docs/run-format.md, "Several endpoints"). Each endpoint has its own limit of calls in flight
// (adaptiveLimit.ts) and its own queue; a task's calls follow a route that keeps them on one
// endpoint; an endpoint that stops answering is marked down, its queued calls go to the others, and
// it is tried again later with one real call (a probe).
import { AdaptiveLimit, FixedLimit, median, type Limit } from './adaptiveLimit';
import { abortReason } from './abort';
import type { ModelBackend } from './backend';
import type { EndpointFigures } from './endpointFigures';
import { LinkedQueue, type QueueNode } from './linkedQueue';

/** Where a task's calls go: the endpoint that took its first call, until that one is down. */
export interface Route {
  endpoint: Endpoint | undefined;
}

/** A slot on an endpoint, held for one attempt. */
export interface Slot {
  readonly backend: ModelBackend;
  readonly endpoint: Endpoint;
  /** The endpoint's attempt number. */
  readonly seq: number;
}

/** What an attempt showed about its endpoint. */
export type AttemptOutcome =
  /** A usable answer: `steps` decoding steps (the longest generation's tokens; 1 for logprob calls) in `latencyMs`. */
  | { kind: 'answered'; method: string; latencyMs: number; steps: number }
  /** It answered that it is busy: HTTP 429 or 503, or an error answer with Retry-After. */
  | { kind: 'overloaded' }
  /** No answer: connection refused or reset, a body cut short, a gateway's 502/504, a timeout. */
  | { kind: 'unreachable'; message: string }
  /** Any other error answer: the endpoint is there. */
  | { kind: 'other' }
  /** The caller cancelled the attempt: it shows nothing. */
  | { kind: 'cancelled' };

export interface PoolOptions {
  /** Calls in flight over all endpoints at most (`--concurrency`); each endpoint gets at least one. */
  ceiling: number;
  /** false: each endpoint's limit stays at an equal share of the ceiling (`--fixed-concurrency`). */
  adaptive: boolean;
  /** Told when an endpoint goes down or comes back. */
  onNotice?: (message: string) => void;
  /** The first probe of a down endpoint comes after this; each failed probe doubles it up to maxProbeMs (defaults 1000, 30000). */
  firstProbeMs?: number;
  maxProbeMs?: number;
  /** The clock of the figures (answers per second); default Date.now. */
  clock?: () => number;
}

/** No answer this many times in a row, with no answer in between: the endpoint is down. */
export const DOWN_AFTER = 3;
const RATE_WINDOW_S = 5;
const LATENCY_SAMPLES = 100;

interface Waiter {
  route: Route;
  resolve: (slot: Slot) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Where it waits; it may move from queue to queue. */
  node: QueueNode<Waiter> | undefined;
}

export class Endpoint {
  state: 'up' | 'down' = 'up';
  inFlight = 0;
  /** Attempts sent so far: numbers slots. */
  seq = 0;
  readonly queue = new LinkedQueue<Waiter>();
  unreachableStreak = 0;
  /** When a down endpoint may take its probe (ms since the epoch), and the wait after the next failed one. */
  probeAt = 0;
  probeDelayMs = 0;
  probeTimer: NodeJS.Timeout | undefined;
  /** The attempt number of the probe in flight, if one is. */
  probeSeq: number | undefined;
  answered = 0;
  overloaded = 0;
  unreachable = 0;
  /** Usable answers per whole second (Math.floor(ms / 1000)): the one under way and the RATE_WINDOW_S before it. */
  readonly perSecond = new Map<number, number>();
  readonly latencies: number[] = [];

  constructor(
    readonly backend: ModelBackend,
    readonly url: string,
    readonly limit: Limit,
  ) {}
}

export class EndpointPool {
  readonly endpoints: Endpoint[];
  /** Calls bound to no endpoint yet (a task's first call), or whose endpoint went down: any endpoint takes them. */
  private readonly unbound = new LinkedQueue<Waiter>();
  private readonly clock: () => number;
  private readonly started: number;
  private readonly firstProbeMs: number;
  private readonly maxProbeMs: number;

  constructor(
    endpoints: readonly { backend: ModelBackend; url: string }[],
    private readonly opts: PoolOptions,
  ) {
    if (endpoints.length === 0) throw new RangeError('an endpoint pool needs at least one endpoint');
    if (!Number.isInteger(opts.ceiling) || opts.ceiling < 1) throw new RangeError(`concurrency must be a positive integer, got ${opts.ceiling}`);
    const share = Math.max(1, Math.floor(opts.ceiling / endpoints.length));
    this.endpoints = endpoints.map((e) => new Endpoint(e.backend, e.url, opts.adaptive ? new AdaptiveLimit(share) : new FixedLimit(share)));
    this.clock = opts.clock ?? Date.now;
    this.started = this.clock();
    this.firstProbeMs = opts.firstProbeMs ?? 1000;
    this.maxProbeMs = opts.maxProbeMs ?? 30_000;
  }

  /** Resolves with a slot for the route's next attempt (give it back with release); rejects when `signal` aborts first. */
  acquire(route: Route, signal: AbortSignal | undefined, urgent: boolean): Promise<Slot> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = { route, resolve, signal, onAbort: undefined, node: undefined };
      const bound = route.endpoint !== undefined && this.serving(route.endpoint) ? route.endpoint : undefined;
      if (bound) {
        if (bound.queue.size === 0 && this.hasRoom(bound)) return this.grant(waiter, bound);
      } else {
        const free = this.unbound.size === 0 ? this.roomiest() : undefined;
        if (free) return this.grant(waiter, free);
      }
      const queue = bound?.queue ?? this.unbound;
      waiter.node = urgent ? queue.pushFront(waiter) : queue.pushBack(waiter);
      if (signal) {
        waiter.onAbort = () => {
          waiter.node?.queue?.remove(waiter.node);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
    });
  }

  /** Gives a slot back with what its attempt showed, and lets the next call in. */
  release(slot: Slot, outcome: AttemptOutcome): void {
    const e = slot.endpoint;
    const wasBusy = e.inFlight >= e.limit.slots;
    e.inFlight--;
    const probe = this.endProbe(slot);
    // A cancelled attempt shows nothing (a cancelled probe leaves the probe due).
    if (outcome.kind !== 'cancelled') this.learn(e, slot, outcome, probe, wasBusy);
    this.pump(e);
  }

  /**
   * An attempt the endpoint refused as busy: its limit learns from it now, but the call keeps its
   * slot while it waits to retry there (give the slot back with `retry` or `release`). Handed to
   * another call, the place would be refused likewise: an endpoint that refuses calls at once would
   * otherwise look like the one with the most free slots and draw every new task.
   */
  refused(slot: Slot): void {
    const e = slot.endpoint;
    const probe = this.endProbe(slot);
    this.learn(e, slot, { kind: 'overloaded' }, probe, e.inFlight >= e.limit.slots);
  }

  /**
   * The slot for the retry of a call whose attempt on `held` was refused: the same place, if the
   * route still goes to that endpoint, it still serves, and its limit (perhaps cut meanwhile) has
   * room for the calls it has; otherwise the held place is given back and the retry waits its turn
   * at the front of the queue.
   */
  retry(held: Slot, route: Route, signal: AbortSignal | undefined): Promise<Slot> {
    const e = held.endpoint;
    if (signal?.aborted) {
      this.release(held, { kind: 'cancelled' });
      return Promise.reject(abortReason(signal));
    }
    if (route.endpoint === e && e.state === 'up' && e.inFlight <= e.limit.slots) return Promise.resolve({ backend: e.backend, endpoint: e, seq: ++e.seq });
    this.release(held, { kind: 'cancelled' });
    return this.acquire(route, signal, true);
  }

  /** What an attempt's outcome says about its endpoint: its limit, its health. */
  private learn(e: Endpoint, slot: Slot, outcome: Exclude<AttemptOutcome, { kind: 'cancelled' }>, probe: boolean, wasBusy: boolean): void {
    if (outcome.kind === 'unreachable') {
      e.unreachable++;
      e.limit.overloaded(slot.seq, e.seq);
      e.unreachableStreak++;
      if (e.state === 'up' && e.unreachableStreak >= DOWN_AFTER) this.markDown(e, outcome.message);
      // Only a failed probe puts the next one off: the calls that were in flight when it went down fail too.
      else if (probe && e.state === 'down') this.scheduleProbe(e);
      return;
    }
    e.unreachableStreak = 0;
    if (outcome.kind === 'answered') {
      this.countAnswer(e, outcome.latencyMs);
      e.limit.answered(slot.seq, e.seq, outcome.method, outcome.latencyMs / Math.max(1, outcome.steps), wasBusy, this.capFor(e));
    } else if (outcome.kind === 'overloaded') {
      e.overloaded++;
      e.limit.overloaded(slot.seq, e.seq);
    }
    if (e.state === 'down') this.markUp(e);
  }

  /**
   * Sends a route elsewhere after its attempt on the slot's endpoint got no answer: to the endpoint
   * with the most free slots among those that are up and not in `tried` (which gains the slot's
   * endpoint). False when there is none: the call then stays where it is and retries as usual.
   */
  moveAway(route: Route, slot: Slot, tried: Set<Endpoint>): boolean {
    tried.add(slot.endpoint);
    const candidates = this.endpoints.filter((e) => e.state === 'up' && !tried.has(e));
    if (candidates.length === 0) return false;
    route.endpoint = candidates.reduce((best, e) => (freeSlots(e) > freeSlots(best) ? e : best));
    return true;
  }

  figures(): EndpointFigures[] {
    const now = this.clock();
    const second = Math.floor(now / 1000);
    // Whole seconds only, once the run has RATE_WINDOW_S of them: the second under way is not over.
    const early = now - this.started < (RATE_WINDOW_S + 1) * 1000;
    return this.endpoints.map((e) => {
      let recent = 0;
      for (const [s, count] of e.perSecond) if (s >= second - RATE_WINDOW_S && s < second) recent += count;
      return {
        url: e.url,
        state: e.state,
        inFlight: e.inFlight,
        limit: e.limit.slots,
        answered: e.answered,
        callsPerSecond: early ? e.answered / Math.max(1, (now - this.started) / 1000) : recent / RATE_WINDOW_S,
        overloaded: e.overloaded,
        unreachable: e.unreachable,
        latencyMs: e.latencies.length > 0 ? median(e.latencies) : null,
      };
    });
  }

  /** Whether the slot's attempt was its endpoint's probe, which is then over. */
  private endProbe(slot: Slot): boolean {
    if (slot.seq !== slot.endpoint.probeSeq) return false;
    slot.endpoint.probeSeq = undefined;
    return true;
  }

  /** Stops the probe timers. */
  close(): void {
    for (const e of this.endpoints) clearTimeout(e.probeTimer);
  }

  /** When no endpoint is up, each takes calls at its limit as a single endpoint would: the calls' own retries then decide, and a run whose every endpoint is gone stops as with one. */
  private noneUp(): boolean {
    return !this.endpoints.some((e) => e.state === 'up');
  }

  private serving(e: Endpoint): boolean {
    return e.state === 'up' || this.noneUp();
  }

  /** Whether the endpoint takes another attempt now: a free slot, or a down endpoint's due probe (one call, alone). */
  private hasRoom(e: Endpoint): boolean {
    if (this.serving(e)) return e.inFlight < e.limit.slots;
    return e.inFlight === 0 && Date.now() >= e.probeAt;
  }

  /** The endpoint an unbound call goes to: a due probe first, else the one with the most free slots. */
  private roomiest(): Endpoint | undefined {
    let best: Endpoint | undefined;
    for (const e of this.endpoints) {
      if (!this.hasRoom(e)) continue;
      if (!this.serving(e)) return e;
      if (!best || freeSlots(e) > freeSlots(best)) best = e;
    }
    return best;
  }

  private grant(waiter: Waiter, e: Endpoint): void {
    if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
    const seq = ++e.seq;
    if (!this.serving(e)) e.probeSeq = seq;
    e.inFlight++;
    waiter.route.endpoint = e;
    waiter.resolve({ backend: e.backend, endpoint: e, seq });
  }

  /** Lets calls in while the endpoint has room: its own queue first (tasks under way), then unbound ones. */
  private pump(e: Endpoint): void {
    const joined = new Set<Endpoint>();
    while (this.hasRoom(e)) {
      const next = e.queue.shift() ?? this.nextUnbound(e, joined);
      if (!next) break;
      this.grant(next, e);
    }
    for (const other of joined) this.pump(other);
  }

  /**
   * The next unbound call the endpoint may take. A call whose task another of its calls bound to an
   * endpoint while it waited (a task's first calls can be several at once) joins that endpoint's
   * queue instead (collected in `joined`), so that the task stays on one endpoint.
   */
  private nextUnbound(e: Endpoint, joined: Set<Endpoint>): Waiter | undefined {
    for (let next = this.unbound.shift(); next; next = this.unbound.shift()) {
      const bound = next.route.endpoint;
      if (bound === undefined || bound === e || !this.serving(bound)) return next;
      next.node = bound.queue.pushBack(next);
      joined.add(bound);
    }
    return undefined;
  }

  private pumpAll(): void {
    for (const e of this.endpoints) this.pump(e);
  }

  /** The most an endpoint's limit may grow to: the ceiling less the limits of the other endpoints that are up. */
  private capFor(e: Endpoint): number {
    const others = this.endpoints.reduce((sum, x) => (x !== e && x.state === 'up' ? sum + x.limit.slots : sum), 0);
    return Math.max(1, this.opts.ceiling - others);
  }

  private countAnswer(e: Endpoint, latencyMs: number): void {
    e.answered++;
    const second = Math.floor(this.clock() / 1000);
    e.perSecond.set(second, (e.perSecond.get(second) ?? 0) + 1);
    for (const s of e.perSecond.keys()) if (s < second - RATE_WINDOW_S) e.perSecond.delete(s);
    e.latencies.push(latencyMs);
    if (e.latencies.length > LATENCY_SAMPLES) e.latencies.shift();
  }

  private markDown(e: Endpoint, message: string): void {
    e.state = 'down';
    e.probeDelayMs = this.firstProbeMs;
    // Its waiting calls go to the others; its tasks follow on their next call.
    this.unbound.takeFront(e.queue);
    if (this.noneUp()) {
      this.opts.onNotice?.(`${e.url} gave no answer ${e.unreachableStreak} times in a row (the last: ${message}); no endpoint of the model answers now, so every one of them goes on being tried`);
    } else {
      this.scheduleProbe(e);
      this.opts.onNotice?.(`${e.url} gave no answer ${e.unreachableStreak} times in a row (the last: ${message}); its tasks move to the other endpoints, and it is tried again in ${(e.probeAt - Date.now()) / 1000} s`);
    }
    this.pumpAll();
  }

  private markUp(e: Endpoint): void {
    const wasNoneUp = this.noneUp();
    e.state = 'up';
    clearTimeout(e.probeTimer);
    e.limit.restart(this.capFor(e));
    // The others stop taking calls now that one answers: what waits for them waits for any
    // endpoint, and they are probed like any endpoint that went down.
    if (wasNoneUp) {
      for (const other of this.endpoints.filter((x) => x.state === 'down')) {
        this.unbound.takeFront(other.queue);
        this.scheduleProbe(other);
      }
    }
    this.opts.onNotice?.(`${e.url} answers again; it takes tasks again`);
    this.pumpAll();
  }

  /** The next probe of a down endpoint, after its current delay, which doubles for the one after. */
  private scheduleProbe(e: Endpoint): void {
    clearTimeout(e.probeTimer);
    e.probeAt = Date.now() + e.probeDelayMs;
    e.probeTimer = setTimeout(() => this.pump(e), e.probeDelayMs);
    e.probeDelayMs = Math.min(this.maxProbeMs, e.probeDelayMs * 2);
  }
}

function freeSlots(e: Endpoint): number {
  return e.limit.slots - e.inFlight;
}
