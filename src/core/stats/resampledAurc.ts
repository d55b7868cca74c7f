// The AURC of a task-bootstrap resample, laid out so a resample reads memory in order. The sweep needs,
// per tie block (best first), its samples n_b and incorrect samples e_b counted with each task's
// multiplicity m_t; these are integers, so any order of adding them gives the same numbers, and the
// sweep over the blocks (riskCoverage.ts) then gives the AURC bit for bit as a row-by-row pass would.
// Visiting the ranked rows one by one would read m_t for a random task per row: at 10^6 tasks that
// misses the cache on nearly every sample. Instead the ranked rows are grouped once into entries
// (task, block, rows, incorrect rows), ordered by chunk of consecutive blocks, then by task: a
// resample streams the entries, reads the multiplicities in ascending task order, and adds into the
// chunk's block totals, which stay in cache.
//
// Only blocks with an incorrect row add to the sweep's sum (sweepBlocks: a block without errors adds
// (0/n)·(C(a+n) − C(a)) = +0, which changes no sum); a block of correct rows only moves the position
// a. So the sweep runs over slots, one per block with an incorrect row: its samples, and the samples
// of the error-free blocks ranked between it and the slot before (added to the position first, as
// the sweep would one block at a time: integers, exact). Error-free blocks after the last slot are
// left out (they move nothing the AURC reads). And a slot of one task has e/n = (m·w)/(m·r) = w/r,
// rounded the same, for every m ≥ 1 (and for m = 0 the term is 0 either way): that ratio is computed
// once, so only slots shared by several tasks divide per resample.
import { arrayIn, plainMemory, type LayoutMemory } from './layoutMemory';
import { startSweep, sweptAurc, type HarmonicNumbers, type ScoreRanking } from './riskCoverage';

/** Slots per chunk, 2^CHUNK_SHIFT: the chunk's totals (three 32-bit integers per slot, 192 KiB) stay in the second-level cache. */
export const CHUNK_SHIFT = 14;
export const CHUNK_BLOCKS = 1 << CHUNK_SHIFT;
/** Rows and incorrect rows of an entry are stored in 8 bits each; a task with more rows in one block gets several entries. */
export const ENTRY_MAX_ROWS = 255;

/** A resample's samples must fit the 32-bit block totals. */
export const MAX_SAMPLES = 2 ** 31 - 1;

/** Set in an entry's code when its rows are in error-free blocks before its slot. */
const BEFORE_SLOT = 1 << 16;

/** The ranked rows grouped for the resamples (aurcLayout): plain typed arrays, which a helper thread can be sent. */
export interface AurcLayout {
  /** Slots: the tie blocks with an incorrect row. */
  readonly slots: number;
  /** The entries of chunk k are chunkStarts[k] … chunkStarts[k+1]−1 (chunk k holds slots k·CHUNK_BLOCKS …). */
  readonly chunkStarts: Int32Array;
  /** Per entry, its task; ascending within a chunk. */
  readonly entryTask: Int32Array;
  /** Per entry: (slot − first slot of its chunk) << 17 | BEFORE_SLOT (its rows come before the slot's block) | rows << 8 | incorrect rows. */
  readonly entryCode: Uint32Array;
  /** Per slot: e/n of its block when the block holds one task's rows, else NaN (computed per resample). */
  readonly slotRatio: Float64Array;
}

export class ResampledAurc implements AurcLayout {
  readonly slots: number;
  readonly chunkStarts: Int32Array;
  readonly entryTask: Int32Array;
  readonly entryCode: Uint32Array;
  readonly slotRatio: Float64Array;
  // Integers below 2^31 (aurc refuses more samples), so 32-bit integer adds: less cache, no conversions.
  /** Per slot of the chunk, at 2s its block's samples, at 2s + 1 the samples of the error-free blocks before it. */
  private readonly slotSamples = new Int32Array(2 * CHUNK_BLOCKS);
  private readonly slotErrors = new Int32Array(CHUNK_BLOCKS);
  private readonly sweep = startSweep();

  constructor({ slots, chunkStarts, entryTask, entryCode, slotRatio }: AurcLayout) {
    this.slots = slots;
    this.chunkStarts = chunkStarts;
    this.entryTask = entryTask;
    this.entryCode = entryCode;
    this.slotRatio = slotRatio;
  }

  /**
   * The AURC of a resample: counts[t] = how often task t was drawn, `samples` = Σ counts[t]·rows of t.
   * null when samples is 0. O(entries + blocks) per call, no allocation.
   */
  aurc(counts: ArrayLike<number>, samples: number, harmonic: HarmonicNumbers): number | null {
    if (samples === 0) return null;
    if (samples > MAX_SAMPLES) throw new RangeError(`a resample of ${samples} samples is more than ${MAX_SAMPLES}`);
    harmonic.reserve(samples);
    const { c } = harmonic;
    const { chunkStarts, entryTask, entryCode, slotSamples, slotErrors, slotRatio } = this;
    let covered = 0;
    let errors = 0;
    let early = 0;
    for (let k = 0; k + 1 < chunkStarts.length; k++) {
      const first = k * CHUNK_BLOCKS;
      const chunkSlots = Math.min(CHUNK_BLOCKS, this.slots - first);
      slotSamples.fill(0, 0, 2 * chunkSlots);
      slotErrors.fill(0, 0, chunkSlots);
      for (let i = chunkStarts[k] as number; i < (chunkStarts[k + 1] as number); i++) {
        const m = counts[entryTask[i] as number] as number;
        const code = entryCode[i] as number;
        const at = code >>> 16;
        slotSamples[at] = (slotSamples[at] as number) + m * ((code >>> 8) & 0xff);
        slotErrors[at >>> 1] = (slotErrors[at >>> 1] as number) + m * (code & 0xff);
      }
      // sweepBlocks over the slots: the error-free blocks before a slot move the position first.
      for (let s = 0; s < chunkSlots; s++) {
        const blockSamples = slotSamples[2 * s] as number;
        const blockErrors = slotErrors[s] as number;
        covered += slotSamples[2 * s + 1] as number;
        const next = covered + blockSamples;
        const ratio = slotRatio[first + s] as number;
        // A branch that goes the same way nearly always: most slots are one task's, or most are shared.
        const share = ratio === ratio ? ratio : blockErrors / Math.max(blockSamples, 1);
        early += share * ((c[next] as number) - (c[covered] as number));
        covered = next;
        errors += blockErrors;
      }
    }
    const sweep = this.sweep;
    sweep[0] = covered;
    sweep[1] = errors;
    sweep[2] = early;
    return sweptAurc(sweep, samples, harmonic);
  }
}

/**
 * The entries and slots of `ranking` over the rows; task t owns rows starts[t] … starts[t+1]−1;
 * correct[row] is 1 or 0. The layout's arrays are made in `memory` (layoutMemory.ts).
 * O(rows + tasks) time (counting sorts); about 29 bytes per row of scratch while it runs, 8 bytes per
 * entry and per slot kept (at most one entry per row).
 */
export function aurcLayout(ranking: ScoreRanking, starts: Int32Array, correct: Uint8Array, memory: LayoutMemory = plainMemory): AurcLayout {
  const { order, blockEnds } = ranking;
  const rows = order.length;
  const tasks = starts.length - 1;
  const blocks = blockEnds.length;
  const scratch = new Int32Array(rows);
  for (let t = 0; t < tasks; t++) scratch.fill(t, starts[t] as number, starts[t + 1] as number);
  const taskAt = new Int32Array(rows);
  for (let p = 0; p < rows; p++) taskAt[p] = scratch[order[p] as number] as number;
  // Slots: the blocks with an incorrect row, best first, with e/n where the block is one task's.
  const blockSlot = new Int32Array(blocks);
  const ratios: number[] = [];
  for (let b = 0, p = 0; b < blocks; b++) {
    const from = p;
    let wrong = 0;
    let oneTask = true;
    for (const end = blockEnds[b] as number; p < end; p++) {
      wrong += 1 - (correct[order[p] as number] as number);
      oneTask &&= taskAt[p] === taskAt[from];
    }
    blockSlot[b] = wrong > 0 ? ratios.length : -1;
    if (wrong > 0) ratios.push(oneTask ? wrong / (p - from) : Number.NaN);
  }
  const slots = ratios.length;
  // Per ranked position: its slot (−1: after the last) and whether it comes before the slot's block.
  const slotAt = new Int32Array(rows);
  const before = new Uint8Array(rows);
  for (let b = blocks - 1, p = rows, next = -1; b >= 0; b--) {
    const slot = blockSlot[b] as number;
    if (slot >= 0) next = slot;
    for (const start = b === 0 ? 0 : (blockEnds[b - 1] as number); p > start; ) {
      p--;
      slotAt[p] = next;
      before[p] = slot >= 0 ? 0 : 1;
    }
  }
  const chunks = Math.ceil(slots / CHUNK_BLOCKS);
  // Ranked positions by task, each task's in rank order (a stable counting sort) …
  const byTask = new Int32Array(rows);
  const nextOfTask = starts.slice(0, tasks);
  for (let p = 0; p < rows; p++) {
    const t = taskAt[p] as number;
    byTask[nextOfTask[t] as number] = p;
    nextOfTask[t] = (nextOfTask[t] as number) + 1;
  }
  // … then by chunk, stably: by chunk, by task, by rank (positions after the last slot left out).
  const rowStarts = new Int32Array(chunks + 1);
  for (let p = 0; p < rows; p++) {
    const slot = slotAt[p] as number;
    if (slot >= 0) rowStarts[(slot >> CHUNK_SHIFT) + 1] = (rowStarts[(slot >> CHUNK_SHIFT) + 1] as number) + 1;
  }
  for (let k = 0; k < chunks; k++) rowStarts[k + 1] = (rowStarts[k + 1] as number) + (rowStarts[k] as number);
  const nextOfChunk = rowStarts.slice(0, chunks);
  const byChunk = scratch;
  for (let i = 0; i < rows; i++) {
    const p = byTask[i] as number;
    const slot = slotAt[p] as number;
    if (slot < 0) continue;
    const k = slot >> CHUNK_SHIFT;
    byChunk[nextOfChunk[k] as number] = p;
    nextOfChunk[k] = (nextOfChunk[k] as number) + 1;
  }
  // Consecutive positions of one task with one slot, on the same side of its block, merge into an entry.
  const entryTask = new Int32Array(rows);
  const entryCode = new Uint32Array(rows);
  const chunkStarts = arrayIn(memory, Int32Array, chunks + 1);
  let entries = 0;
  for (let k = 0; k < chunks; k++) {
    chunkStarts[k] = entries;
    const first = k << CHUNK_SHIFT;
    const end = rowStarts[k + 1] as number;
    for (let i = rowStarts[k] as number; i < end; ) {
      const p = byChunk[i] as number;
      const t = taskAt[p] as number;
      const slot = slotAt[p] as number;
      const side = before[p] as number;
      let n = 0;
      let wrong = 0;
      for (; i < end && n < ENTRY_MAX_ROWS; i++) {
        const q = byChunk[i] as number;
        if (taskAt[q] !== t || slotAt[q] !== slot || before[q] !== side) break;
        n++;
        wrong += 1 - (correct[order[q] as number] as number);
      }
      entryTask[entries] = t;
      entryCode[entries] = (((slot - first) << 17) | (side === 1 ? BEFORE_SLOT : 0) | (n << 8) | wrong) >>> 0;
      entries++;
    }
  }
  chunkStarts[chunks] = entries;
  const layout = { slots, chunkStarts, entryTask: arrayIn(memory, Int32Array, entries), entryCode: arrayIn(memory, Uint32Array, entries), slotRatio: arrayIn(memory, Float64Array, slots) };
  layout.entryTask.set(entryTask.subarray(0, entries));
  layout.entryCode.set(entryCode.subarray(0, entries));
  layout.slotRatio.set(ratios);
  return layout;
}
