// Window math of the virtualized table: only the lines in view (plus a margin) exist in the DOM, so
// 100k samples cost as much to show as 40.

export interface LineWindow {
  /** First line to render. */
  first: number;
  /** One past the last line to render. */
  end: number;
}

/** Lines intersecting [scrollTop, scrollTop + viewport), widened by `overscan` lines on each side. */
export function visibleLines(scrollTop: number, viewport: number, lineHeight: number, lines: number, overscan: number): LineWindow {
  if (lines === 0 || viewport <= 0) return { first: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.max(0, Math.min(lines - 1, Math.floor(top / lineHeight)) - overscan);
  const end = Math.min(lines, Math.ceil((top + viewport) / lineHeight) + overscan);
  return { first, end };
}

/**
 * The scrollTop that brings `line` fully into view with the least movement, or null when it already is.
 * `reserve` keeps room at the top for a sticky header.
 */
export function revealLine(line: number, scrollTop: number, viewport: number, lineHeight: number, reserve = 0): number | null {
  const top = line * lineHeight;
  const bottom = top + lineHeight;
  if (top < scrollTop + reserve) return Math.max(0, top - reserve);
  if (bottom > scrollTop + viewport) return bottom - viewport;
  return null;
}
