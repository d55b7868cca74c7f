// The live statistics strip: first what the numbers rest on (the run's state, each verifier's
// coverage, the few-tasks and finite-N warnings, whether the verifier statistics are measured, the
// conclusion), then the gap numbers with intervals (and the partial note beside each verifier
// statistic), the confusion counts and the sample count.
import type { WeightSummary } from '../../src/core/report/weightTerms';
import type { RestsOn } from '../model/restsOn';
import { confusionCells, STAT_LABELS, statCells, type StatKey, type StatsInput } from '../model/statsView';
import { el, setText } from './dom';

interface CellNodes {
  card: HTMLElement;
  value: HTMLElement;
  interval: HTMLElement;
  partial: HTMLElement;
}

export interface SampleCounts {
  /** Samples received. */
  samples: number;
  /** From the host's progress: generations done / expected, when known. */
  done: number | null;
  total: number | null;
  tasks: number;
}

export class StatsHeader {
  readonly element: HTMLElement;
  private readonly cells = new Map<StatKey, CellNodes>();
  private readonly confusionGrid: HTMLElement;
  private readonly confusionPartial: HTMLElement;
  private confusionKeys = '';
  private readonly samples: HTMLElement;
  private readonly notice: HTMLElement;
  private readonly rests: HTMLElement;
  private shownRests = '';

  constructor() {
    const cards = el('div', { className: 'stats-cards' });
    for (const [key, label] of Object.entries(STAT_LABELS) as [StatKey, string][]) {
      const value = el('span', { className: 'stat-value', attrs: { 'data-stat': key } });
      const interval = el('span', { className: 'stat-interval', attrs: { 'data-stat-interval': key } });
      const partial = partialBadge(key);
      const card = el('div', { className: `stat-card ${key}` }, [el('span', { className: 'stat-label', text: label }), value, interval, partial]);
      this.cells.set(key, { card, value, interval, partial });
      cards.append(card);
    }
    this.confusionGrid = el('div', { className: 'confusion', attrs: { 'data-role': 'confusion' } });
    this.confusionPartial = partialBadge('confusion');
    this.samples = el('span', { className: 'stat-value', attrs: { 'data-stat': 'samples' } });
    cards.append(this.confusionGrid, el('div', { className: 'stat-card samples-card' }, [el('span', { className: 'stat-label', text: 'Samples' }), this.samples]));
    this.notice = el('div', { className: 'stats-notice', attrs: { 'data-role': 'stats-notice' } });
    this.rests = el('div', { className: 'rests-on', attrs: { 'data-role': 'rests-on', role: 'status' } });
    this.element = el('section', { className: 'stats', attrs: { 'aria-label': 'Gap statistics' } }, [this.rests, cards, this.notice]);
  }

  /**
   * `input` null: nothing graded yet (the numbers show dashes); `weights`: the weight summary under a
   * weighted filter (the confusion box then tells weights, not kept/dropped counts); `starting`: nothing
   * graded yet because the run has only just started (the notice is neutral).
   */
  update(input: StatsInput | null, counts: SampleCounts, rests: RestsOn, notice: string | null, weights: WeightSummary | null = null, starting = false): void {
    this.updateRests(rests);
    const cells = input ? statCells(input, rests.measure) : [];
    for (const [key, nodes] of this.cells) {
      const cell = cells.find((c) => c.key === key);
      setText(nodes.value, cell?.value ?? '—');
      setText(nodes.interval, cell?.interval === 'pending' ? '[…]' : (cell?.interval ?? ''));
      nodes.interval.classList.toggle('pending', cell?.interval === 'pending');
      nodes.card.title = cell?.explanation ?? '';
      showBadge(nodes.partial, cell?.partial ?? null);
    }
    this.updateConfusion(input?.stats ?? null, weights);
    showBadge(this.confusionPartial, rests.measure.kind === 'partial' ? rests.measure.note : null);
    const progress = counts.total !== null ? ` of ${counts.total}` : '';
    setText(this.samples, `${counts.done ?? counts.samples}${progress} · ${counts.tasks} task${counts.tasks === 1 ? '' : 's'}`);
    setText(this.notice, notice ?? '');
    this.notice.hidden = notice === null;
    this.notice.classList.toggle('starting', starting);
  }

  /** Kept/dropped counts, or under a weighted filter the weights and effective sample size; rebuilt only when the cells change kind. */
  private updateConfusion(stats: StatsInput['stats'] | null, weights: WeightSummary | null): void {
    const cells = confusionCells(stats, weights);
    const keys = cells.map((c) => c.key).join(' ');
    if (keys !== this.confusionKeys) {
      this.confusionKeys = keys;
      this.confusionGrid.title = weights
        ? 'Filter weights on the checker\'s ✓ and ✗ samples (exp:β weighs, it does not keep or drop), and the Kish effective sample size (Σw)²/Σw²'
        : 'Samples by filter decision (kept = weight > 0) and the checker\'s grade (✓/✗)';
      this.confusionGrid.replaceChildren(
        ...cells.map(({ key, label, attention }) =>
          el('span', { className: `confusion-cell ${key}${attention ? ' attention' : ''}` }, [
            el('span', { className: 'confusion-label', text: label }),
            el('span', { className: 'confusion-value', attrs: { 'data-stat': key } }),
          ]),
        ),
        this.confusionPartial,
      );
    }
    cells.forEach((cell, i) => setText(this.confusionGrid.children[i]?.lastElementChild as Element, cell.value));
  }

  /** The run's state first, then each verifier's coverage, why the statistics are not measured or partial, few tasks, the conclusion. */
  private updateRests(rests: RestsOn): void {
    const { measure } = rests;
    const lines = [
      ...rests.state.map((text) => ({ role: 'run-state', text })),
      ...rests.coverage.map((text) => ({ role: 'verifier-coverage', text })),
      ...(measure.kind === 'unmeasured' ? [{ role: 'measure', text: measure.reason }] : measure.kind === 'partial' ? [{ role: 'measure', text: measure.note }] : []),
      ...(rests.fewTasks === null ? [] : [{ role: 'few-tasks', text: rests.fewTasks }]),
      ...(rests.finiteN === null ? [] : [{ role: 'finite-n', text: rests.finiteN }]),
      ...(rests.conclusion === null ? [] : [{ role: 'conclusion', text: rests.conclusion }]),
    ];
    this.rests.classList.toggle('warn', rests.warn);
    this.rests.hidden = lines.length === 0;
    const key = JSON.stringify(lines);
    if (key === this.shownRests) return;
    this.shownRests = key;
    this.rests.replaceChildren(...lines.map(({ role, text }) => el('p', { className: role, text, attrs: { 'data-role': role } })));
  }
}

function partialBadge(stat: string): HTMLElement {
  const badge = el('span', { className: 'stat-badge partial', attrs: { 'data-role': 'partial', 'data-partial': stat } });
  badge.hidden = true;
  return badge;
}

function showBadge(badge: HTMLElement, text: string | null): void {
  setText(badge, text ?? '');
  badge.hidden = text === null;
}
