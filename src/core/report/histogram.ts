// Bins verifier scores split by correctness: the picture of how well the score separates right
// from wrong answers.

export interface ScoreBin {
  /** [lo, hi); the last bin includes 1. */
  lo: number;
  hi: number;
  correct: number;
  incorrect: number;
}

export interface ScoreHistogram {
  bins: ScoreBin[];
  /** Samples without a score (the verifier's output did not parse): they cannot be placed. */
  unscored: { correct: number; incorrect: number };
}

export const HISTOGRAM_BINS = 20;

export function binScores(
  samples: Iterable<{ score: number | null; correct: boolean }>,
  binCount: number = HISTOGRAM_BINS,
): ScoreHistogram {
  if (!Number.isInteger(binCount) || binCount < 1) throw new RangeError(`binCount must be a positive integer, got ${binCount}`);
  const bins: ScoreBin[] = Array.from({ length: binCount }, (_, i) => ({
    lo: i / binCount,
    hi: (i + 1) / binCount,
    correct: 0,
    incorrect: 0,
  }));
  const unscored = { correct: 0, incorrect: 0 };
  for (const { score, correct } of samples) {
    if (score === null || !Number.isFinite(score)) {
      if (correct) unscored.correct++;
      else unscored.incorrect++;
      continue;
    }
    // Scores are in [0,1] by contract; clamping keeps a stray 1.0000001 on the chart instead of
    // losing it, and puts exactly 1 into the last (closed) bin.
    const i = Math.min(binCount - 1, Math.max(0, Math.floor(score * binCount)));
    const bin = bins[i] as ScoreBin;
    if (correct) bin.correct++;
    else bin.incorrect++;
  }
  return { bins, unscored };
}
