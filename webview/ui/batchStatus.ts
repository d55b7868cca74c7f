// Where a batch run's batches stand, under the run bar while it executes (docs/batch.md,
// "Progress"): the phase and what its requests are for, its shards by where they are, its requests
// done, and what the batches so far cost at the batch prices — "—" with the reason while no cost
// is known. Hidden when the run is not executing in batches.
import type { HostNotificationParams } from '../../src/protocol/panelProtocol';
import { el, setText } from './dom';

export type BatchFigures = HostNotificationParams['batch']['progress'];

const COLUMNS: { label: string; title: string }[] = [
  { label: 'batch phase', title: 'The latest phase with shards, and its requests per stage (generation or a verifier)' },
  { label: 'to submit', title: 'Shards written or uploaded, not yet a batch' },
  { label: 'submitted', title: 'Batches validating' },
  { label: 'in progress', title: 'Batches in progress, finalizing or cancelling' },
  { label: 'done', title: 'Batches completed' },
  { label: 'failed', title: 'Batches failed, expired or cancelled: their requests without a result are asked again' },
  { label: 'requests done', title: 'Requests of the phase its batches report finished or failed' },
  { label: 'cost so far', title: 'What the downloaded batches cost at the batch prices of the pricing file' },
];

export class BatchStatus {
  readonly element: HTMLElement;
  private readonly cells: HTMLTableCellElement[];

  constructor() {
    this.cells = COLUMNS.map(() => el('td'));
    const head = el('thead', {}, [el('tr', {}, COLUMNS.map((c) => el('th', { text: c.label, title: c.title, attrs: { scope: 'col' } })))]);
    // The endpoints' table look (panel.css): the two sit together under the run bar.
    this.element = el('section', { className: 'endpoint-status batch-status', attrs: { 'data-role': 'batch', 'aria-label': 'Batches' } }, [el('table', {}, [head, el('tbody', {}, [el('tr', {}, this.cells)])])]);
    this.element.hidden = true;
  }

  update(figures: BatchFigures): void {
    this.element.hidden = figures === null;
    if (figures === null) return;
    const stages = Object.entries(figures.stages).map(([stage, n]) => `${stage} ${n}`).join(', ');
    const { shards, requests, cost } = figures;
    const texts = [
      `${figures.phase}${stages ? ` (${stages})` : ''}`,
      String(shards.toSubmit),
      String(shards.submitted),
      String(shards.inProgress),
      String(shards.done),
      String(shards.failed),
      `${requests.done}/${requests.total}`,
      cost.amount === null ? '—' : `${cost.text} at batch prices`,
    ];
    texts.forEach((text, i) => setText(this.cells[i] as HTMLTableCellElement, text));
    (this.cells[7] as HTMLTableCellElement).title = cost.amount === null ? cost.why : '';
  }
}
