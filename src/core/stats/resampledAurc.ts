// The AURC of a task-bootstrap resample, laid out so a resample reads memory in order. The sweep needs,
// per tie block (best first), its samples n_b and incorrect samples e_b counted with each task's
// multiplicity m_t; these are integers, so any order of adding them gives the same numbers, and the
// sweep over the blocks (riskCoverage.ts) then gives the AURC bit for bit as a row-by-row pass would.
// Visiting the ranked rows one by one would read m_t for a random task per row: at 10^6 tasks that
// misses the cache on nearly every sample. Instead the ranked rows are grouped once into entries
// (task, block, rows, incorrect rows), ordered by chunk of consecutive blocks, then by task: a
// resample streams the entries, reads the multiplicities in ascending task order, and adds into the
// chunk's block totals, which stay in cache.
import { startSweep, sweepBlocks, sweptAurc, type HarmonicNumbers, type ScoreRanking } from './riskCoverage';

/** Tie blocks per chunk, 2^CHUNK_SHIFT: the chunk's totals (two 32-bit integers per block, 128 KiB) stay in the second-level cache. */
export const CHUNK_SHIFT = 14;
export const CHUNK_BLOCKS = 1 << CHUNK_SHIFT;
/** Rows and incorrect rows of an entry are stored in 8 bits each; a task with more rows in one block gets several entries. */
export const ENTRY_MAX_ROWS = 255;

/** A resample's samples must fit the 32-bit block totals. */
export const MAX_SAMPLES = 2 ** 31 - 1;

export class ResampledAurc {
  /** Tie blocks of the ranking. */
  readonly blocks: number;
  /** The entries of chunk k are chunkStarts[k] … chunkStarts[k+1]−1 (chunk k holds blocks k·CHUNK_BLOCKS …). */
  readonly chunkStarts: Int32Array;
  /** Per entry, its task; ascending within a chunk. */
  readonly entryTask: Int32Array;
  /** Per entry: (block − first block of its chunk) << 16 | rows << 8 | incorrect rows. */
  readonly entryCode: Uint32Array;
  // Integers below 2^31 (aurc refuses more samples), so 32-bit integer adds: half the cache, no conversions.
  private readonly blockSamples = new Int32Array(CHUNK_BLOCKS);
  private readonly blockErrors = new Int32Array(CHUNK_BLOCKS);
  private readonly sweep = startSweep();

  /**
   * `ranking` over the rows; task t owns rows starts[t] … starts[t+1]−1; correct[row] is 1 or 0.
   * O(rows + tasks) time (two counting sorts); 24 bytes per row of scratch while it runs, 8 bytes per
   * entry kept (at most one entry per row).
   */
  constructor(ranking: ScoreRanking, starts: Int32Array, correct: Uint8Array) {
    const { order, blockEnds } = ranking;
    const rows = order.length;
    const tasks = starts.length - 1;
    this.blocks = blockEnds.length;
    const chunks = Math.ceil(this.blocks / CHUNK_BLOCKS);
    const blockAt = new Int32Array(rows);
    for (let b = 0, p = 0; b < this.blocks; b++) for (const end = blockEnds[b] as number; p < end; p++) blockAt[p] = b;
    const scratch = new Int32Array(rows);
    for (let t = 0; t < tasks; t++) scratch.fill(t, starts[t] as number, starts[t + 1] as number);
    const taskAt = new Int32Array(rows);
    for (let p = 0; p < rows; p++) taskAt[p] = scratch[order[p] as number] as number;
    // Ranked positions by task, each task's in rank order (a stable counting sort) …
    const byTask = new Int32Array(rows);
    const nextOfTask = starts.slice(0, tasks);
    for (let p = 0; p < rows; p++) {
      const t = taskAt[p] as number;
      byTask[nextOfTask[t] as number] = p;
      nextOfTask[t] = (nextOfTask[t] as number) + 1;
    }
    // … then by chunk, stably: by chunk, by task, by rank.
    const rowStarts = new Int32Array(chunks + 1);
    for (let p = 0; p < rows; p++) {
      const k = ((blockAt[p] as number) >> CHUNK_SHIFT) + 1;
      rowStarts[k] = (rowStarts[k] as number) + 1;
    }
    for (let k = 0; k < chunks; k++) rowStarts[k + 1] = (rowStarts[k + 1] as number) + (rowStarts[k] as number);
    const nextOfChunk = rowStarts.slice(0, chunks);
    const byChunk = scratch;
    for (let i = 0; i < rows; i++) {
      const p = byTask[i] as number;
      const k = (blockAt[p] as number) >> CHUNK_SHIFT;
      byChunk[nextOfChunk[k] as number] = p;
      nextOfChunk[k] = (nextOfChunk[k] as number) + 1;
    }
    // Consecutive positions of one task in one block merge into an entry.
    const entryTask = new Int32Array(rows);
    const entryCode = new Uint32Array(rows);
    const chunkStarts = new Int32Array(chunks + 1);
    let entries = 0;
    for (let k = 0; k < chunks; k++) {
      chunkStarts[k] = entries;
      const first = k << CHUNK_SHIFT;
      for (let i = rowStarts[k] as number; i < (rowStarts[k + 1] as number); ) {
        const p = byChunk[i] as number;
        const t = taskAt[p] as number;
        const b = blockAt[p] as number;
        let n = 0;
        let wrong = 0;
        for (; i < (rowStarts[k + 1] as number) && n < ENTRY_MAX_ROWS; i++) {
          const q = byChunk[i] as number;
          if (taskAt[q] !== t || blockAt[q] !== b) break;
          n++;
          wrong += 1 - (correct[order[q] as number] as number);
        }
        entryTask[entries] = t;
        entryCode[entries] = ((b - first) << 16) | (n << 8) | wrong;
        entries++;
      }
    }
    chunkStarts[chunks] = entries;
    this.chunkStarts = chunkStarts;
    this.entryTask = entryTask.slice(0, entries);
    this.entryCode = entryCode.slice(0, entries);
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
    const { chunkStarts, entryTask, entryCode, blockSamples, blockErrors, sweep } = this;
    sweep.fill(0);
    for (let k = 0; k + 1 < chunkStarts.length; k++) {
      const chunkBlocks = Math.min(CHUNK_BLOCKS, this.blocks - k * CHUNK_BLOCKS);
      blockSamples.fill(0, 0, chunkBlocks);
      blockErrors.fill(0, 0, chunkBlocks);
      for (let i = chunkStarts[k] as number; i < (chunkStarts[k + 1] as number); i++) {
        const m = counts[entryTask[i] as number] as number;
        const code = entryCode[i] as number;
        const b = code >>> 16;
        blockSamples[b] = (blockSamples[b] as number) + m * ((code >>> 8) & 0xff);
        blockErrors[b] = (blockErrors[b] as number) + m * (code & 0xff);
      }
      sweepBlocks(sweep, blockSamples, blockErrors, chunkBlocks, c);
    }
    return sweptAurc(sweep, samples, harmonic);
  }
}
