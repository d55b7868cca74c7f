// Running gap statistics of a run as its records arrive, for the CLI progress line, the status bar and
// the runs tree. A sample counts once it has a grade and a verdict (a score, or null for a failed
// parse) from every verifier the selector reads, so a sample whose verification is still in flight
// is not counted as "dropped".
import { parseFilter, parseSelector } from '../filter/parse';
import { formatPoints } from '../report/numbers';
import { selectorVerifiers } from '../filter/weights';
import { GapAccumulator } from '../stats/accumulator';
import type { LiveGapStats } from '../stats/types';
import type { GenerationRecord, VerificationRecord } from '../runs/records';
import { drawnVerdict } from '../runs/drawnScores';
import { sampleKey } from '../runs/sampleKey';

export interface GapInput {
  task: string;
  index: number;
  /** null: no gold answer to grade against (such samples never count). */
  correct: boolean | null;
  /** Verifier name -> score; null where its output failed to parse. */
  scores: Readonly<Record<string, number | null>>;
  answer?: string | null;
}

/**
 * What the live gap can say, over the samples that count so far (each state is a different claim):
 * - pending: no sample counts yet — no gap yet;
 * - unmeasured: samples count but the selector scored none of them — the gap is not measured;
 * - partial: the selector scored some of them; the gap treats the others as lowest-scored;
 * - measured: the selector scored every one.
 */
export type GapReading =
  | { state: 'pending' }
  | { state: 'unmeasured'; samples: number; accuracy: number }
  | { state: 'partial'; samples: number; scored: number; accuracy: number; gap: number }
  | { state: 'measured'; samples: number; accuracy: number; gap: number };

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

  reading(): GapReading {
    return readingOf(this.snapshot());
  }
}

/**
 * The live gap fed record by record, as a run appends them (the CLI's progress line). A sample's
 * grade and the selector's scores are gathered only until it counts; then it goes to the
 * accumulator, which keeps them as columns, and nothing more of it is held here: memory grows by
 * a few numbers a sample, not by its records. Records of verifiers the selector does not read
 * change nothing and are not kept.
 */
export class LiveRecordGap {
  private readonly live: LiveGap;
  private readonly needed: ReadonlySet<string>;
  /** sampleKey -> what has arrived of a sample that does not count yet. */
  private readonly pending = new Map<string, GapInput>();
  /** sampleKey + verifier -> the draws arrived of a verifier drawing several per sample, until all have. */
  private readonly draws = new Map<string, (VerificationRecord | undefined)[]>();

  /** `verifications`: run.json's draws per sample of the verifiers that draw several; their score is the aggregate once all are in (drawnScores.ts). */
  constructor(selector: string, filter: string, private readonly verifications: Readonly<Record<string, number>> = {}) {
    this.live = new LiveGap(selector, filter);
    this.needed = new Set(selectorVerifiers(parseSelector(selector)));
  }

  add(record: GenerationRecord | VerificationRecord): void {
    if (record.type === 'verification' && !this.needed.has(record.verifier)) return;
    const key = sampleKey(record.task, record.index);
    const sample = this.pending.get(key) ?? { task: record.task, index: record.index, correct: null, scores: {} };
    if (record.type === 'generation') {
      sample.correct = record.grade.correct;
      sample.answer = record.grade.normalized;
    } else {
      const verdict = this.drawnScore(key, record);
      if (verdict === undefined) {
        this.pending.set(key, sample);
        return;
      }
      sample.scores = { ...sample.scores, [record.verifier]: verdict };
    }
    const counts = sample.correct !== null && Object.keys(sample.scores).length === this.needed.size;
    if (counts) {
      this.pending.delete(key);
      this.live.update(sample);
    } else this.pending.set(key, sample);
  }

  reading(): GapReading {
    return this.live.reading();
  }

  /** The record's score; of a verifier drawing K, the aggregate once all K draws are in (undefined before). */
  private drawnScore(key: string, record: VerificationRecord): number | null | undefined {
    const k = this.verifications[record.verifier] ?? 1;
    if (k === 1) return record.score;
    const at = `${key}\u0000${record.verifier}`;
    const arrived = this.draws.get(at) ?? new Array<VerificationRecord | undefined>(k).fill(undefined);
    arrived[record.draw ?? 0] = record;
    if (arrived.some((r) => r === undefined)) {
      this.draws.set(at, arrived);
      return undefined;
    }
    this.draws.delete(at);
    return drawnVerdict(record.verifier, arrived, () => undefined)?.score ?? null;
  }
}

/** The reading of a snapshot. */
export function readingOf(stats: LiveGapStats): GapReading {
  const { samples, scored, accuracy, gap } = stats;
  if (samples === 0) return { state: 'pending' };
  if (gap === null) return { state: 'unmeasured', samples, accuracy };
  if (scored < samples) return { state: 'partial', samples, scored, accuracy, gap };
  return { state: 'measured', samples, accuracy, gap };
}

/** "gap +3.13 pp", "gap +3.13 pp (partial: 20 of 24 scored)", "gap not measured: 0 of 24 scored" or "no gap yet (nothing scored yet)". */
export function gapText(reading: GapReading): string {
  switch (reading.state) {
    case 'pending':
      return 'no gap yet (nothing scored yet)';
    case 'unmeasured':
      return `gap not measured: 0 of ${reading.samples} scored`;
    case 'partial':
      return `${signedPp(reading.gap)} (partial: ${reading.scored} of ${reading.samples} scored)`;
    case 'measured':
      return signedPp(reading.gap);
  }
}

function signedPp(gap: number): string {
  return `gap ${formatPoints(gap)}`;
}
