// The run's endpoints while it executes, under the run bar: for each model of the run that several
// endpoints serve, a row per endpoint with the figures the CLI prints under its progress line
// (docs/run-format.md, "Several endpoints"). Hidden when no such model is executing.
import { endpointTexts } from '../../src/core/report/endpointText';
import type { HostNotificationParams } from '../../src/protocol/panelProtocol';
import { el, setText } from './dom';

export type EndpointModels = HostNotificationParams['endpoints']['models'];

const COLUMNS: { label: string; title: string }[] = [
  { label: 'endpoint', title: 'The server\'s base URL' },
  { label: 'state', title: 'up, or DOWN: it gave no answer 3 times in a row; its tasks moved to the others and it is probed again' },
  { label: 'in flight', title: 'Slots in use (calls in flight, and refused calls waiting there to retry) of its current limit' },
  { label: 'calls/s', title: 'Usable answers per second over the last 5 s' },
  { label: '429/503', title: 'Attempts it refused as busy so far (HTTP 429 or 503, or with Retry-After)' },
  { label: 'unanswered', title: 'Attempts that got no answer so far' },
  { label: 'latency', title: 'Median latency of its last 100 usable answers' },
];

export class EndpointStatus {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;

  constructor() {
    this.body = el('tbody');
    const head = el('thead', {}, [el('tr', {}, COLUMNS.map((c) => el('th', { text: c.label, title: c.title, attrs: { scope: 'col' } })))]);
    this.element = el('section', { className: 'endpoint-status', attrs: { 'data-role': 'endpoints', 'aria-label': 'Endpoints' } }, [el('table', {}, [head, this.body])]);
    this.element.hidden = true;
  }

  update(models: EndpointModels): void {
    this.element.hidden = models.length === 0;
    const rows = models.flatMap((m) => m.endpoints.map((e) => ({ model: m.model, t: endpointTexts(e) })));
    // Rows are kept and their text replaced: the figures change every second.
    while (this.body.rows.length > rows.length) this.body.deleteRow(-1);
    while (this.body.rows.length < rows.length) this.body.appendChild(el('tr', {}, COLUMNS.map(() => el('td'))));
    rows.forEach(({ model, t }, i) => {
      const row = this.body.rows[i] as HTMLTableRowElement;
      row.className = t.state === 'up' ? 'endpoint-up' : 'endpoint-down';
      row.title = model;
      const texts = [t.url, t.state, t.slots, t.callsPerSecond, t.overloaded, t.unreachable, t.latency];
      texts.forEach((text, c) => setText(row.cells[c] as HTMLTableCellElement, text));
      (row.cells[6] as HTMLTableCellElement).title = t.latencyNote ?? '';
    });
  }
}
