// The live statistics strip: gap numbers with intervals, the confusion counts and the sample count.
import type { Confusion, LiveGapStats } from '../../src/core/stats/types';
import { STAT_LABELS, statCells, type StatKey, type StatsInput } from '../model/statsView';
import { el, setText } from './dom';

interface CellNodes {
  card: HTMLElement;
  value: HTMLElement;
  interval: HTMLElement;
}

const CONFUSION: { key: keyof Confusion; label: string }[] = [
  { key: 'keptCorrect', label: 'kept ✓' },
  { key: 'keptWrong', label: 'kept ✗' },
  { key: 'droppedCorrect', label: 'dropped ✓' },
  { key: 'droppedWrong', label: 'dropped ✗' },
];

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
  private readonly confusion = new Map<keyof Confusion, HTMLElement>();
  private readonly samples: HTMLElement;
  private readonly notice: HTMLElement;

  constructor() {
    const cards = el('div', { className: 'stats-cards' });
    for (const [key, label] of Object.entries(STAT_LABELS) as [StatKey, string][]) {
      const value = el('span', { className: 'stat-value', attrs: { 'data-stat': key } });
      const interval = el('span', { className: 'stat-interval', attrs: { 'data-stat-interval': key } });
      const card = el('div', { className: `stat-card ${key}` }, [el('span', { className: 'stat-label', text: label }), value, interval]);
      this.cells.set(key, { card, value, interval });
      cards.append(card);
    }
    const confusionGrid = el('div', { className: 'confusion', title: 'Samples by filter decision (kept = weight > 0) and checker verdict' });
    for (const { key, label } of CONFUSION) {
      const value = el('span', { className: 'confusion-value', attrs: { 'data-stat': key } });
      this.confusion.set(key, value);
      confusionGrid.append(el('span', { className: `confusion-cell ${key}` }, [el('span', { className: 'confusion-label', text: label }), value]));
    }
    this.samples = el('span', { className: 'stat-value', attrs: { 'data-stat': 'samples' } });
    cards.append(confusionGrid, el('div', { className: 'stat-card samples-card' }, [el('span', { className: 'stat-label', text: 'Samples' }), this.samples]));
    this.notice = el('div', { className: 'stats-notice', attrs: { 'data-role': 'stats-notice' } });
    this.element = el('section', { className: 'stats', attrs: { 'aria-label': 'Gap statistics' } }, [cards, this.notice]);
  }

  /** `input` null: nothing graded yet (the numbers show dashes). */
  update(input: StatsInput | null, counts: SampleCounts, notice: string | null): void {
    const cells = input ? statCells(input) : [];
    for (const [key, nodes] of this.cells) {
      const cell = cells.find((c) => c.key === key);
      setText(nodes.value, cell?.value ?? '—');
      setText(nodes.interval, cell?.interval === 'pending' ? '[…]' : (cell?.interval ?? ''));
      nodes.interval.classList.toggle('pending', cell?.interval === 'pending');
      nodes.card.title = cell?.explanation ?? '';
    }
    this.updateConfusion(input?.stats ?? null);
    const progress = counts.total !== null ? ` of ${counts.total}` : '';
    setText(this.samples, `${counts.done ?? counts.samples}${progress} · ${counts.tasks} task${counts.tasks === 1 ? '' : 's'}`);
    setText(this.notice, notice ?? '');
    this.notice.hidden = notice === null;
  }

  private updateConfusion(stats: LiveGapStats | null): void {
    for (const { key } of CONFUSION) setText(this.confusion.get(key) as HTMLElement, stats?.confusion ? String(stats.confusion[key]) : '—');
  }
}
