// The sentences every report surface (terminal, HTML) uses to say what a number rests on: whether the
// run is complete and live, what each verifier scored, why a statistic is not measured or partial.
import type { RunState } from '../stats/conclusion';
import { outstandingVerifications, type Coverage, type RecordCoverage, type SelectorCoverage, type VerifierCoverage } from '../stats/coverage';
import { plural } from '../util/plural';

/** "24 labels-absent, 3 unparsable": the non-zero counts, in the order given. */
function counts(entries: readonly [label: string, count: number][]): string {
  return entries
    .filter(([, count]) => count > 0)
    .map(([label, count]) => `${count} ${label}`)
    .join(', ');
}

/**
 * The run's state, first thing in a run report: "complete: …" or "incomplete: 8 of 40 tasks, 64 of
 * 320 samples generated; …", then "live: …" while a writer holds the run's lock.
 */
export function runStateLines(coverage: RecordCoverage, state: RunState): string[] {
  const { tasks, generations: g } = coverage;
  const lines: string[] = [];
  if (state.complete) lines.push(`complete: ${plural(tasks.expected, 'task')}, ${plural(g.expected, 'sample')}, every verification recorded`);
  else {
    const failed = counts(Object.entries(g.failures));
    const { outstanding, expected } = outstandingVerifications(coverage);
    lines.push(
      `incomplete: ${tasks.done} of ${plural(tasks.expected, 'task')}, ${g.done} of ${plural(g.expected, 'sample')} generated` +
        (failed === '' ? '' : ` (failed: ${failed})`) +
        (outstanding > 0 ? `; ${outstanding} of ${plural(expected, 'verification')} outstanding` : ''),
    );
  }
  if (state.live) lines.push("live: a writer holds the run's lock and is still adding records");
  return lines;
}

/** "mc: 60 of 320 scored (4 unparsable, 256 missing)". */
export function verifierCoverageLine(name: string, c: VerifierCoverage): string {
  const why = counts([...Object.entries(c.failures), ['missing', c.missing]]);
  return `${name}: ${c.scored} of ${c.expected} scored${why === '' ? '' : ` (${why})`}`;
}

/** One line per verifier of the report. */
export function verifierCoverageLines(coverage: RecordCoverage): string[] {
  return Object.entries(coverage.verifiers).map(([name, c]) => verifierCoverageLine(name, c));
}

/**
 * Why the verifier statistics are not measured: "mc scored 0 of 24 samples: 24 labels-absent"; for a
 * selector of several verifiers, each one's reasons ("mc: 24 labels-absent; cot-score: 24 not verified").
 */
export function notMeasuredReason(coverage: Pick<Coverage, 'verifiers' | 'selector'>): string {
  const sel = coverage.selector;
  const parts = sel.verifiers.flatMap((name) => {
    const c = coverage.verifiers[name];
    const why = c ? counts([...Object.entries(c.failures), ['not verified', sel.samples - c.scored - c.failed]]) : `${sel.samples} not verified`;
    return why === '' ? [] : [sel.verifiers.length === 1 ? why : `${name}: ${why}`];
  });
  return `${sel.selector} scored ${sel.scored} of ${plural(sel.samples, 'sample')}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
}

/** "partial: mc scored 20 of 24", beside every verifier statistic that rests on part of the samples. */
export function partialNote(sel: SelectorCoverage): string {
  return `partial: ${sel.selector} scored ${sel.scored} of ${sel.samples}`;
}

/**
 * The coverage a verifier-quality entry rests on: the report's selector for the first entry, the single
 * verifier for the others (its own scored count), so that its "—" reason and partial note name it.
 */
export function qualityEntryCoverage(
  coverage: Pick<Coverage, 'selector'>,
  entry: { selector: string; samples: number; scored: number; measured: boolean; partial: boolean },
  first: boolean,
): SelectorCoverage {
  if (first) return coverage.selector;
  const { selector, samples, scored, measured, partial } = entry;
  return { selector, verifiers: [selector], samples, scored, measured, partial };
}
