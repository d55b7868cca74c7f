// The one way text reaches the HTML report. Model output, task ids, verifier output and even
// titles are untrusted, so markup is only ever built with the `html` template tag: every
// interpolated string goes through `escapeHtml`, and only markup that `html` itself produced is
// inserted as is. There is deliberately no "raw" escape hatch.

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Makes text inert both between tags and inside a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

// Not exported: only `html` can construct it, so a SafeHtml value always comes from a template
// whose static parts are source code and whose holes were escaped.
class Markup {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

export type SafeHtml = Markup;

/** What a template hole accepts: strings and numbers are escaped, arrays are concatenated. */
export type HtmlValue = SafeHtml | string | number | readonly HtmlValue[];

function renderValue(value: HtmlValue): string {
  if (value instanceof Markup) return value.markup;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  // Anything else (including a value that slipped past the types, e.g. from parsed JSON) is text.
  return escapeHtml(String(value));
}

/** Template tag building markup: `html`<td title="${why}">${text}</td>``. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += renderValue(value) + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}
