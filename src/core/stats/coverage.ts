// What a report rests on: how many of the expected samples were generated, how many each verifier
// scored and why the others have no score, and how many the report's selector scored. The counts
// add up exactly (expected = done/scored + failed + missing). Definitions: docs/statistics.md,
// "Coverage and what a number rests on". Run folders are counted in src/core/runs/coverage.ts.
import type { ScoreSelector } from '../filter/spec';
import { selectorVerifiers } from '../filter/weights';
import { CALL_FAILURE_KINDS, type CallFailureKind } from '../runs/records';
import { VERIFICATION_FAILURE_KINDS, type VerificationFailureKind } from '../verify/verifier';
import type { GapReport, ScoredSample } from './types';

/**
 * The call failures a verification can have: a verification prompt that does not fit the context
 * is a failed verification (`prompt-too-long`, final), never a call failure (retried on resume).
 */
const VERIFY_CALL_FAILURE_KINDS = ['bad-answer', 'call-failed'] as const;

/** Why a verifier has no score for a sample: its output did not parse (by kind), or its model call failed. */
export const VERIFIER_FAILURE_KINDS = [...VERIFICATION_FAILURE_KINDS, ...VERIFY_CALL_FAILURE_KINDS] as const;
export type VerifierFailureKind = VerificationFailureKind | (typeof VERIFY_CALL_FAILURE_KINDS)[number];

export interface GenerationCoverage {
  /** Tasks × samples per task. */
  expected: number;
  /** Samples with a generation record. */
  done: number;
  /** Samples whose current state is a generation call failure; Σ failures. */
  failed: number;
  failures: Record<CallFailureKind, number>;
  /** expected − done − failed: not attempted yet (or lost). */
  missing: number;
}

export interface VerifierCoverage {
  /** Tasks × samples per task (a samples file: its samples). */
  expected: number;
  /** Samples with a non-null score. */
  scored: number;
  /** Samples with a failed parse or a current call failure of this verifier; Σ failures. */
  failed: number;
  /** Every kind is listed, 0 when it did not occur. */
  failures: Record<VerifierFailureKind, number>;
  /** expected − scored − failed: no verification record yet (including samples not generated yet). */
  missing: number;
}

/** The counts of the records themselves, before any selector is chosen. */
export interface RecordCoverage {
  /** A task is done when every one of its samples has a generation. */
  tasks: { expected: number; done: number };
  generations: GenerationCoverage;
  /** Verifier name -> its counts: the run's configured verifiers, then any other found in the records. */
  verifiers: Record<string, VerifierCoverage>;
}

/** How much of the report the selector scored: a sample is scored when every verifier the selector reads has a non-null score. */
export interface SelectorCoverage {
  /** The selector as text, e.g. "and(mc,cot-score)". */
  selector: string;
  /** The verifiers it reads. */
  verifiers: string[];
  /** The report's samples (the generated ones). */
  samples: number;
  scored: number;
  /** scored > 0: the verifier statistics exist. */
  measured: boolean;
  /** 0 < scored < samples: the verifier statistics rest on part of the samples. */
  partial: boolean;
}

export interface Coverage extends RecordCoverage {
  selector: SelectorCoverage;
}

export function zeroCounts<K extends string>(kinds: readonly K[]): Record<K, number> {
  return Object.fromEntries(kinds.map((kind) => [kind, 0])) as Record<K, number>;
}

/**
 * Coverage of a samples file (`gaplens report --samples`): every sample counts as generated; per
 * verifier named in any sample, scored = a number, failed = null (kind "unparsable"), missing = absent.
 * Verifiers in UTF-16 order.
 */
export function samplesCoverage(samples: readonly ScoredSample[]): RecordCoverage {
  const counts = new Map<string, { scored: number; failed: number }>();
  for (const sample of samples) {
    for (const [name, score] of Object.entries(sample.scores)) {
      if (score === undefined) continue; // no key in JSON: counts as missing
      const c = counts.get(name) ?? { scored: 0, failed: 0 };
      counts.set(name, c);
      if (score === null) c.failed++;
      else c.scored++;
    }
  }
  const expected = samples.length;
  const names = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const tasks = new Set(samples.map((s) => s.task)).size;
  return {
    tasks: { expected: tasks, done: tasks },
    generations: { expected, done: expected, failed: 0, failures: zeroCounts(CALL_FAILURE_KINDS), missing: 0 },
    verifiers: Object.fromEntries(
      names.map((name) => {
        const { scored, failed } = counts.get(name) as { scored: number; failed: number };
        return [name, { expected, scored, failed, failures: { ...zeroCounts(VERIFIER_FAILURE_KINDS), unparsable: failed }, missing: expected - scored - failed }];
      }),
    ),
  };
}

/** The selector's coverage of a report (or of the panel's live statistics, which have the same counts). */
export function selectorCoverage(report: Pick<GapReport, 'verifier' | 'samples' | 'scored'>, selector: ScoreSelector): SelectorCoverage {
  const { samples, scored } = report;
  return { selector: report.verifier, verifiers: selectorVerifiers(selector), samples, scored, measured: scored > 0, partial: scored > 0 && scored < samples };
}

/** Call failures are retried on resume: they leave a record outstanding, unlike a failed parse. */
export function callFailures(c: VerifierCoverage): number {
  return VERIFY_CALL_FAILURE_KINDS.reduce((sum, kind) => sum + c.failures[kind], 0);
}

/** Every expected generation and verification record exists; a failed parse is a final outcome, a call failure is not. */
export function isComplete(coverage: RecordCoverage): boolean {
  return coverage.generations.done === coverage.generations.expected && outstandingVerifications(coverage).outstanding === 0;
}

/** Verification records not in yet (missing or failed at the call), over all verifiers, of how many expected. */
export function outstandingVerifications(coverage: RecordCoverage): { outstanding: number; expected: number } {
  let outstanding = 0;
  let expected = 0;
  for (const c of Object.values(coverage.verifiers)) {
    outstanding += c.missing + callFailures(c);
    expected += c.expected;
  }
  return { outstanding, expected };
}
