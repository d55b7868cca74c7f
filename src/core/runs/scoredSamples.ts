// A run as the statistics see it: one ScoredSample per generation.
import type { ScoredSample } from '../stats/types';
import type { AnnotationRecord } from './records';
import { latestAnnotations } from './annotations';
import { correctedVerdict } from './labels';
import { generationsInOrder, type RunData } from './runStore';
import { sampleKey } from './sampleKey';
import { drawCount, recordVerdict } from './drawnScores';

export interface ScoredSampleOptions {
  /**
   * Honour human review (correctedVerdict): a sample whose latest annotation has a human verdict counts
   * with that verdict; one whose latest annotation says the answer checker was wrong ('checker-wrong')
   * counts with its correctness flipped. Other causes leave correctness alone — they are about the
   * verifier, the gold answer or the question, not about this grade.
   */
  checkerCorrected?: boolean;
}

/**
 * One sample per generation, in task order then index: correct = the checker's grade, answer =
 * the normalized extracted answer, scores = every verifier's score (null where it failed to parse).
 */
export function toScoredSamples(run: RunData, opts: ScoredSampleOptions = {}): ScoredSample[] {
  const labels = opts.checkerCorrected ? latestAnnotations(run) : new Map<string, AnnotationRecord>();
  return generationsInOrder(run).map((g) => {
    const key = sampleKey(g.task, g.index);
    const scores: Record<string, number | null> = {};
    for (const [verifier, v] of run.verifications.get(key) ?? []) {
      // A verifier that draws several verifications: their aggregate once all are recorded (drawnScores.ts).
      if (drawCount(run.manifest.config, verifier) === 1) scores[verifier] = v.score;
      else {
        const verdict = recordVerdict(run, key, verifier);
        if (verdict !== undefined && (verdict.score !== null || verdict.recorded)) scores[verifier] = verdict.score;
      }
    }
    return { task: g.task, index: g.index, correct: correctedVerdict(g.grade.correct, labels.get(key)), scores, answer: g.grade.normalized };
  });
}
