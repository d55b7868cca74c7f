// Where a batch run's batches stand, under the run bar while it executes (docs/batch.md,
// "Progress"): the phase and what its requests are for, its shards by where they are, its requests
// done, and what the batches so far cost at the batch prices — "—" with the reason while no cost
// is known. Hidden when the run is not executing in batches.
import type { HostNotificationParams } from '../../src/protocol/panelProtocol';
import { StatusTable, type StatusColumn } from './statusTable';

export type BatchFigures = HostNotificationParams['batch']['progress'];

const COLUMNS: StatusColumn[] = [
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
  // The endpoints' table look (panel.css): the two sit together under the run bar.
  private readonly table = new StatusTable({ role: 'batch', label: 'Batches', className: 'endpoint-status batch-status' }, COLUMNS);
  readonly element = this.table.element;

  update(figures: BatchFigures): void {
    if (figures === null) {
      this.table.show([]);
      return;
    }
    const stages = Object.entries(figures.stages).map(([stage, n]) => `${stage} ${n}`).join(', ');
    const { shards, requests, cost } = figures;
    const [row] = this.table.show([
      [
        `${figures.phase}${stages ? ` (${stages})` : ''}`,
        String(shards.toSubmit),
        String(shards.submitted),
        String(shards.inProgress),
        String(shards.done),
        String(shards.failed),
        `${requests.done}/${requests.total}`,
        cost.amount === null ? '—' : `${cost.text} at batch prices`,
      ],
    ]);
    if (row) (row.cells[7] as HTMLTableCellElement).title = cost.amount === null ? cost.why : '';
  }
}
