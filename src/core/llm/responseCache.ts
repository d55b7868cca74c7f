// An on-disk cache of model answers, so that re-running an identical request costs nothing
// (docs/cache.md). Answers are appended to packs, one per writing process (so processes never
// wait for each other), each with an index; every process keeps an index of all packs in memory
// (cacheKeyIndex.ts) and reads a hit with one positional read.
//
// A store costs the request path only a JSON.stringify: the answer waits in memory and is
// appended with others at most FLUSH_MS later (a timer), when FLUSH_BYTES are waiting, when the
// cache closes, or when the process exits — so a clean exit never loses a stored answer, and kill -9
// loses at most the last FLUSH_MS of them.
//
// Bounded: when the cache opens, and whenever this process has written CHECK_SHARE of the limit
// since the last check began, a check runs in the background (keepWithinLimit): it removes the
// least recently written packs when the cache is over its limit, merges small idle packs, and
// sweeps temporary files left by killed processes. A hit on an entry in a pack that an eviction
// would soon remove copies it into this process's pack, so that entries in use survive.
import { cacheLimitFromEnv } from '../util/cacheDir';
import { sha256, stableStringify } from '../util/hash';
import { INDEX_ENTRY_BYTES, MAX_PAYLOAD_BYTES, RECORD_HEADER_BYTES } from './cachePackFormat';
import { PackSet } from './cachePackReader';
import { PackWriter, type PendingRecord } from './cachePackWriter';
import { hasLegacyLayout, readLegacyEntry } from './legacyResponseCache';
import { keepWithinLimit, packMaxBytes, packsAtRisk } from './responseCacheFiles';

/** Each process checks the limit again after writing this share of it. */
export const CHECK_SHARE = 0.05;
/** A stored answer waits at most this long in memory before it is appended to the pack… */
export const FLUSH_MS = 200;
/** …or until this many bytes of answers are waiting. */
const FLUSH_BYTES = 1024 * 1024;
/** A process looks for other processes' new packs and records at most this often (at a get). */
const REFRESH_MS = 1000;

const KEY_PATTERN = /^[0-9a-f]{64}$/;

export interface ResponseCacheOptions {
  /** The most bytes the packs may take on disk; default cacheLimitFromEnv() ($GAPLENS_CACHE_MAX_MB MiB, else 2 GiB). */
  maxBytes?: number;
  /** Where a failed background step (check, write, refresh) or a damaged record says why, once (it never fails a get or a set). */
  onWarning?: (message: string) => void;
}

interface Waiting extends PendingRecord {
  hex: string;
}

// Caches with answers not yet appended: the process's exit appends them (synchronously, as exit requires).
const unwritten = new Set<ResponseCache>();
let exitHookInstalled = false;

export class ResponseCache {
  readonly maxBytes: number;
  private readonly onWarning: ((message: string) => void) | undefined;
  private readonly packs: PackSet;
  private readonly writer: PackWriter;
  /** The first read of the folder; resolves to whether it has entries of the old layout. */
  private loaded: Promise<boolean> | undefined;
  private refreshing: Promise<void> | undefined;
  private lastRefreshMs = 0;
  private pending: Waiting[] = [];
  private pendingBytes = 0;
  /** Stored answers not yet appended, by hex key: a get finds them here. */
  private readonly waiting = new Map<string, Buffer>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushScheduled = false;
  private writesFailed = false;
  private closed = false;
  private writtenSinceCheck = 0;
  private running: Promise<void> | undefined;
  private warned = false;

  /** A cache whose first read of the folder and first check (orphans, the limit) start now, in the background. */
  static open(dir: string, opts: ResponseCacheOptions = {}): ResponseCache {
    const cache = new ResponseCache(dir, opts);
    // A failure is reported by the first get, which awaits the same promise.
    cache.load().catch(() => undefined);
    cache.startCheck();
    return cache;
  }

  /** Like open(), but the folder is read at the first get, and the first check waits until this process has written CHECK_SHARE of the limit. */
  constructor(
    readonly dir: string,
    opts: ResponseCacheOptions = {},
  ) {
    this.maxBytes = opts.maxBytes ?? cacheLimitFromEnv();
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 1) throw new RangeError(`response cache maxBytes must be a positive integer, got ${this.maxBytes}`);
    this.onWarning = opts.onWarning;
    this.packs = new PackSet(dir);
    this.writer = new PackWriter(this.packs, packMaxBytes(this.maxBytes));
  }

  /** Resolves when the check running now, if any, has finished (for tests, and callers about to exit). */
  async settled(): Promise<void> {
    await this.running;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const bytes = keyBytes(key);
    const waiting = this.waiting.get(key);
    if (waiting) return JSON.parse(waiting.toString('utf8')) as T;
    const legacy = await this.load();
    this.refreshIfDue();
    const read = await this.packs.read(bytes);
    if (read.found === 'hit') {
      const value = parsePayload(read.payload);
      if (value) {
        if (read.pack.atRisk && !this.closed) this.enqueue(key, bytes, Buffer.from(read.payload));
        return value.value as T;
      }
    }
    if (read.found !== 'miss') {
      this.warnOnce(`the response cache pack ${this.packs.pathOf(read.pack)} has a damaged record at byte ${read.offset}: it counts as a miss and the model is asked again (\`gaplens cache clear\` removes the pack)`);
    }
    if (legacy) {
      const old = await readLegacyEntry(this.dir, key);
      if (old) {
        // Copied into the pack: the old layout is never written again.
        if (!this.closed) this.enqueue(key, bytes, Buffer.from(JSON.stringify(old.value) ?? 'null'));
        return old.value as T;
      }
    }
    return undefined;
  }

  /** Stores the answer (appended within FLUSH_MS, or at close or exit). A folder that cannot be written is a UserError at the first store. */
  async set(key: string, value: unknown): Promise<void> {
    const bytes = keyBytes(key);
    if (this.closed) throw new Error('internal: the response cache was closed before this store');
    if (this.writesFailed) return;
    if (this.writer.currentName === undefined) this.writer.prepare();
    const json = JSON.stringify(value) as string | undefined;
    // Nothing JSON can say (undefined), or more than a record holds: not stored, asked again next time.
    if (json === undefined) return;
    const payload = Buffer.from(json);
    if (payload.length > MAX_PAYLOAD_BYTES) return;
    this.enqueue(key, bytes, payload);
    await this.countWrite(RECORD_HEADER_BYTES + payload.length + INDEX_ENTRY_BYTES);
  }

  /** Appends every stored answer still waiting, now (synchronously: also what the process's exit does). */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    this.pendingBytes = 0;
    unwritten.delete(this);
    try {
      if (!this.writesFailed) this.writer.write(batch);
    } catch (err) {
      this.writesFailed = true;
      this.warnOnce(`answers could not be appended to the response cache in ${this.dir} (${(err as Error).message}); answers from now on are not stored: free disk space, or point the cache elsewhere`);
    } finally {
      for (const r of batch) if (this.waiting.get(r.hex) === r.payload) this.waiting.delete(r.hex);
    }
  }

  /** Appends what is waiting, lets the running check finish, checks the limit once more if anything was written since, and closes the files. The cache is not used after. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    await Promise.allSettled([this.running, this.refreshing, this.loaded]);
    // What was written since the last check began (a fast run writes much while a check runs) may
    // have taken the cache over its limit: one last check, so that a run leaves it within bounds.
    if (this.writtenSinceCheck > 0) {
      this.startCheck();
      await this.running;
    }
    this.writer.close();
    this.packs.closeAll();
  }

  private load(): Promise<boolean> {
    if (!this.loaded) {
      this.lastRefreshMs = Date.now();
      this.loaded = Promise.all([this.packs.refresh(), hasLegacyLayout(this.dir)]).then(([, legacy]) => legacy);
    }
    return this.loaded;
  }

  /** Other processes' new packs and records become hits, removed packs misses: looked for at most every REFRESH_MS, in the background. */
  private refreshIfDue(): void {
    const now = Date.now();
    if (this.refreshing || this.closed || now - this.lastRefreshMs < REFRESH_MS) return;
    this.lastRefreshMs = now;
    this.refreshing = this.packs
      .refresh()
      .catch((err: unknown) => this.warnOnce(`the response cache ${this.dir} could not be read: ${(err as Error).message}`))
      .finally(() => (this.refreshing = undefined));
  }

  private enqueue(hex: string, key: Buffer, payload: Buffer): void {
    this.pending.push({ hex, key, payload });
    this.waiting.set(hex, payload);
    this.pendingBytes += payload.length;
    unwritten.add(this);
    installExitHook();
    if (this.pendingBytes >= FLUSH_BYTES) {
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    } else {
      // Unreferenced: a process that is otherwise done does not wait for it (exit appends instead).
      this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
    }
  }

  private async countWrite(bytes: number): Promise<void> {
    this.writtenSinceCheck += bytes;
    const due = (): boolean => this.writtenSinceCheck >= CHECK_SHARE * this.maxBytes;
    if (!due()) return;
    // A check slower than this process writes: wait for it rather than outrun the limit.
    if (this.running) await this.running;
    if (!this.running && due()) this.startCheck();
  }

  private startCheck(): void {
    // Bytes written from now on may be missed by this check: they count towards the next.
    this.writtenSinceCheck = 0;
    this.running = keepWithinLimit(this.dir, this.maxBytes, this.writer.currentName)
      .then(
        async ({ packs }) => {
          // What the check removed or merged is seen at once, not at the next due refresh.
          await this.packs.refresh();
          this.packs.setAtRisk(packsAtRisk(packs, this.maxBytes));
        },
        (err: unknown) => this.warnOnce(`the response cache ${this.dir} could not be kept within its limit: ${(err as Error).message}`),
      )
      .finally(() => (this.running = undefined));
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.onWarning?.(message);
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const cache of unwritten) cache.flush();
  });
}

function keyBytes(key: string): Buffer {
  if (!KEY_PATTERN.test(key)) throw new RangeError(`response cache key must be 64 hex digits (from cacheKey), got "${key}"`);
  return Buffer.from(key, 'hex');
}

/** The answer in a record's payload; undefined when it is not JSON (written by something else). */
function parsePayload(payload: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(payload.toString('utf8')) as unknown };
  } catch {
    return undefined;
  }
}

// Bumped when the shape of cached answers changes, so old entries are never misread.
const CACHE_FORMAT = 1;

/** The cache key of one backend call: everything that determines the answer, hashed. */
export function cacheKey(backendId: string, method: string, request: unknown): string {
  return sha256(stableStringify({ format: CACHE_FORMAT, backend: backendId, method, request }));
}
