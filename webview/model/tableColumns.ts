// Which columns the sample table shows at a given width, and the grid template that makes them fit:
// the table never scrolls sideways. The sample index, the answer, the checker's grade, the filter,
// the disagreement badge and the label are always there (the label column is never pushed off-screen);
// verifier score columns are shown in run order unless the user hid them, as many as fit. Pure.

/** Column widths in em (the panel's font size). */
export const COLUMN_EM = {
  index: 3.5,
  /** The answer and the label share the rest, 2 : 1, each at least this wide. */
  answerMin: 5,
  labelMin: 5,
  checker: 4.5,
  verifier: 4,
  filter: 5,
  /** The disagreement badge: shrinks to this (its full words in a tooltip), grows to `disagreementMax`. */
  disagreementMin: 2,
  disagreementMax: 10,
} as const;

/** The grid's gap between cells and the line's side padding, in px (media/panel.css `.line`). */
export const CELL_GAP_PX = 6;
export const LINE_PADDING_PX = 12;

export interface ColumnPlan {
  /** Verifier columns shown, in order. */
  shown: string[];
  /** Verifiers the user wants but that do not fit this width. */
  squeezed: string[];
  /** CSS grid-template-columns of every sample line and the column header. */
  template: string;
  /** Header titles, in column order. */
  titles: string[];
}

/** The smallest width (px) at which the table shows `verifiers` score columns without scrolling sideways. */
export function minTableWidth(verifiers: number, emPx: number): number {
  const e = COLUMN_EM;
  const em = e.index + e.answerMin + e.checker + verifiers * e.verifier + e.filter + e.disagreementMin + e.labelMin;
  const columns = 6 + verifiers;
  return em * emPx + (columns - 1) * CELL_GAP_PX + LINE_PADDING_PX;
}

/**
 * The plan for a table `widthPx` wide: the user's verifiers (all of `verifiers` minus `hidden`) in order,
 * as many as fit; at least the fixed columns always. widthPx ≤ 0 (not laid out yet) shows them all.
 */
export function planColumns(widthPx: number, emPx: number, verifiers: readonly string[], hidden: ReadonlySet<string>): ColumnPlan {
  const wanted = verifiers.filter((v) => !hidden.has(v));
  let fit = wanted.length;
  if (widthPx > 0) while (fit > 0 && minTableWidth(fit, emPx) > widthPx) fit--;
  const shown = wanted.slice(0, fit);
  const e = COLUMN_EM;
  const template = [
    `${e.index}em`,
    `minmax(${e.answerMin}em, 2fr)`,
    `${e.checker}em`,
    ...shown.map(() => `${e.verifier}em`),
    `${e.filter}em`,
    `minmax(${e.disagreementMin}em, ${e.disagreementMax}em)`,
    `minmax(${e.labelMin}em, 1fr)`,
  ].join(' ');
  return { shown, squeezed: wanted.slice(fit), template, titles: ['#', 'answer', 'checker', ...shown, 'filter', 'disagreement', 'label'] };
}
