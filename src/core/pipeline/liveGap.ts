// Running gap statistics of a run as its records arrive, for the status bar and the runs tree.
// A sample counts once it has a grade and a score from every verifier the selector reads, so a
// sample whose verification is still in flight is not counted as "dropped".
import { parseFilter, parseSelector } from '../filter/parse';
import { selectorVerifiers } from '../filter/weights';
import { GapAccumulator } from '../stats/accumulator';
import type { LiveGapStats } from '../stats/types';

export interface GapInput {
  task: string;
  index: number;
  /** null: no gold answer to grade against (such samples never count). */
  correct: boolean | null;
  /** Verifier name -> score; null where its output failed to parse. */
  scores: Readonly<Record<string, number | null>>;
  answer?: string | null;
}

export class LiveGap {
  private readonly acc: GapAccumulator;
  private readonly needed: string[];

  constructor(
    readonly selector: string,
    readonly filter: string,
  ) {
    const sel = parseSelector(selector);
    this.acc = new GapAccumulator(sel, parseFilter(filter));
    this.needed = selectorVerifiers(sel);
  }

  /** Adds or replaces a sample (pass its whole current state); ignored until it can count. */
  update(sample: GapInput): void {
    if (sample.correct === null || !this.needed.every((v) => v in sample.scores)) return;
    this.acc.upsert({ task: sample.task, index: sample.index, correct: sample.correct, scores: { ...sample.scores }, answer: sample.answer ?? null });
  }

  snapshot(): LiveGapStats {
    return this.acc.snapshot();
  }
}

/** "gap +3.1 pp", or null before any sample counts. */
export function gapText(stats: LiveGapStats): string | null {
  if (stats.samples === 0 || !Number.isFinite(stats.gap)) return null;
  const pp = stats.gap * 100;
  return `gap ${pp >= 0 ? '+' : '−'}${Math.abs(pp).toFixed(1)} pp`;
}
