// Verifier scores of the stored samples in typed arrays, one slot per sample: a snapshot of 10^5
// samples then costs no per-sample score objects, and a dataset gathers its columns in one pass.
import { MISSING_SCORE } from '../../src/core/filter/columns';

const INITIAL_CAPACITY = 1024;

export class ScoreSlots {
  private capacity = INITIAL_CAPACITY;
  private used = 0;
  private readonly columns = new Map<string, Float64Array>();

  /** A new slot with no score from any verifier. */
  allocate(): number {
    this.reserve(1);
    return this.used++;
  }

  /** Makes room for `count` more slots, so columns fetched now stay valid while they are allocated. */
  reserve(count: number): void {
    if (this.used + count <= this.capacity) return;
    while (this.used + count > this.capacity) this.capacity *= 2;
    for (const [name, column] of this.columns) {
      const grown = new Float64Array(this.capacity).fill(MISSING_SCORE);
      grown.set(column);
      this.columns.set(name, grown);
    }
  }

  /** Forgets every score of a slot (its sample is being replaced). */
  clear(slot: number): void {
    for (const column of this.columns.values()) column[slot] = MISSING_SCORE;
  }

  /** null (no score) is stored as MISSING_SCORE, as the statistics' score columns do. */
  set(slot: number, verifier: string, score: number | null): void {
    this.writable(verifier)[slot] = score ?? MISSING_SCORE;
  }

  /** The verifier's column to write slots into directly; valid until the next allocation beyond reserve(). */
  writable(verifier: string): Float64Array {
    let column = this.columns.get(verifier);
    if (!column) {
      column = new Float64Array(this.capacity).fill(MISSING_SCORE);
      this.columns.set(verifier, column);
    }
    return column;
  }

  get(slot: number, verifier: string): number | null {
    const score = this.columns.get(verifier)?.[slot];
    return score === undefined || score === MISSING_SCORE ? null : score;
  }

  /** Every verifier that was ever given a score or a null, in order of first appearance. */
  names(): string[] {
    return [...this.columns.keys()];
  }

  /** Scores by slot (MISSING_SCORE for none). Read-only by convention. */
  column(verifier: string): Float64Array | undefined {
    return this.columns.get(verifier);
  }

  reset(): void {
    this.columns.clear();
    this.capacity = INITIAL_CAPACITY;
    this.used = 0;
  }
}
