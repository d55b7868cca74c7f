// The run's endpoints while it executes, under the run bar: for each model of the run that several
// endpoints serve, a row per endpoint with the figures the CLI prints under its progress line
// (docs/run-format.md, "Several endpoints"). Hidden when no such model is executing.
import { endpointTexts } from '../../src/core/report/endpointText';
import type { HostNotificationParams } from '../../src/protocol/panelProtocol';
import { StatusTable, type StatusColumn } from './statusTable';

export type EndpointModels = HostNotificationParams['endpoints']['models'];

const COLUMNS: StatusColumn[] = [
  { label: 'endpoint', title: 'The server\'s base URL' },
  { label: 'state', title: 'up, or DOWN: it gave no answer 3 times in a row; its tasks moved to the others and it is probed again' },
  { label: 'in flight', title: 'Slots in use (calls in flight, and refused calls waiting there to retry) of its current limit' },
  { label: 'calls/s', title: 'Usable answers per second over the last 5 s' },
  { label: '429/503', title: 'Attempts it refused as busy so far (HTTP 429 or 503, or with Retry-After)' },
  { label: 'unanswered', title: 'Attempts that got no answer so far' },
  { label: 'latency', title: 'Median latency of its last 100 usable answers' },
];

export class EndpointStatus {
  private readonly table = new StatusTable({ role: 'endpoints', label: 'Endpoints', className: 'endpoint-status' }, COLUMNS);
  readonly element = this.table.element;

  update(models: EndpointModels): void {
    const entries = models.flatMap((m) => m.endpoints.map((e) => ({ model: m.model, t: endpointTexts(e) })));
    const rows = this.table.show(entries.map(({ t }) => [t.url, t.state, t.slots, t.callsPerSecond, t.overloaded, t.unreachable, t.latency]));
    rows.forEach((row, i) => {
      const { model, t } = entries[i] as (typeof entries)[number];
      row.className = t.state === 'up' ? 'endpoint-up' : 'endpoint-down';
      row.title = model;
      (row.cells[6] as HTMLTableCellElement).title = t.latencyNote ?? '';
    });
  }
}
