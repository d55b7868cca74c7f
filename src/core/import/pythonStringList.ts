// lm-evaluation-harness writes every `target` through Python's str(), so a task whose target is a
// list of accepted answers (nq_open, triviaqa) logs it as a Python list literal:
// ['Paris', "Paris, France"]. This reads exactly that back, and nothing else.

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '0': '\0' };
const HEX_ESCAPES: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** The strings of `text` when it is a Python list literal of string literals, as str(list) writes it; null otherwise. */
export function pythonStringList(text: string): string[] | null {
  let i = 0;
  const skipSpace = (): void => {
    while (text[i] === ' ') i++;
  };
  const readString = (): string | null => {
    const quote = text[i];
    if (quote !== "'" && quote !== '"') return null;
    let out = '';
    for (i++; i < text.length && text[i] !== quote; i++) {
      const c = text[i] as string;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[++i] ?? '';
      const simple = ESCAPES[e];
      const digits = HEX_ESCAPES[e];
      if (simple !== undefined) out += simple;
      else if (digits !== undefined) {
        const hex = text.slice(i + 1, i + 1 + digits);
        if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) return null;
        out += String.fromCodePoint(parseInt(hex, 16));
        i += digits;
      } else return null;
    }
    if (i >= text.length) return null;
    i++;
    return out;
  };

  if (text[i++] !== '[') return null;
  const items: string[] = [];
  skipSpace();
  if (text[i] === ']') return i + 1 === text.length ? items : null;
  for (;;) {
    skipSpace();
    const item = readString();
    if (item === null) return null;
    items.push(item);
    skipSpace();
    if (text[i] === ']') return i + 1 === text.length ? items : null;
    if (text[i++] !== ',') return null;
  }
}
