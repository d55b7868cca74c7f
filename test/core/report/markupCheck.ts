// Parse-free structural checks of the report's markup. They rely on what the report guarantees:
// text and attribute values are escaped, so every "<" in the output starts a tag.

/** Tags the report may emit; anything else means untrusted text leaked in as markup. */
export const ALLOWED_TAGS = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'main', 'nav', 'section', 'h1', 'h2', 'h3', 'h4',
  'p', 'a', 'code', 'pre', 'span', 'div', 'dl', 'dt', 'dd', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  'details', 'summary', 'input', 'label',
  'svg', 'rect', 'line', 'polyline', 'circle', 'text',
]);

const VOID_TAGS = new Set(['meta', 'input']);

export interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  source: string;
}

/** Every tag in the document, in order (the doctype excluded). */
export function tags(markup: string): Tag[] {
  const out: Tag[] = [];
  for (const m of markup.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    out.push({ name: (m[2] ?? '').toLowerCase(), closing: m[1] === '/', selfClosing: (m[3] ?? '').endsWith('/'), source: m[0] });
  }
  return out;
}

/** Checks every tag is closed in order; returns the problems found (empty when balanced). */
export function balanceProblems(markup: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  for (const tag of tags(markup)) {
    if (tag.closing) {
      const open = stack.pop();
      if (open !== tag.name) problems.push(`</${tag.name}> closes <${open ?? 'nothing'}>`);
    } else if (!tag.selfClosing && !VOID_TAGS.has(tag.name)) {
      stack.push(tag.name);
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}
