// The run's live figures under the run bar (its endpoints, its batches) as one look: a table whose
// column headers explain themselves in a tooltip, one row per thing reported, hidden while there is
// nothing to report.
import { el, setText } from './dom';

export interface StatusColumn {
  label: string;
  /** What the column counts (the header's tooltip). */
  title: string;
}

export interface StatusTableOptions {
  /** data-role, for tests and styles. */
  role: string;
  /** The table's name for screen readers. */
  label: string;
  className: string;
}

export class StatusTable {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;

  constructor(options: StatusTableOptions, private readonly columns: readonly StatusColumn[]) {
    this.body = el('tbody');
    const head = el('thead', {}, [el('tr', {}, columns.map((c) => el('th', { text: c.label, title: c.title, attrs: { scope: 'col' } })))]);
    this.element = el('section', { className: options.className, attrs: { 'data-role': options.role, 'aria-label': options.label } }, [el('table', {}, [head, this.body])]);
    this.element.hidden = true;
  }

  /**
   * Shows one row per entry of `rows` (a text per column) and returns the row elements, for the
   * caller's classes and cell tooltips; none hides the table. Rows are kept and their text replaced:
   * the figures change every second.
   */
  show(rows: readonly (readonly string[])[]): HTMLTableRowElement[] {
    this.element.hidden = rows.length === 0;
    while (this.body.rows.length > rows.length) this.body.deleteRow(-1);
    while (this.body.rows.length < rows.length) this.body.appendChild(el('tr', {}, this.columns.map(() => el('td'))));
    return rows.map((texts, i) => {
      const row = this.body.rows[i] as HTMLTableRowElement;
      texts.forEach((text, c) => setText(row.cells[c] as HTMLTableCellElement, text));
      return row;
    });
  }
}
