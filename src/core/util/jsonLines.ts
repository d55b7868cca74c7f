// JSON files the user writes by hand (the pricing file) are validated field by field; a message
// about a field, or about a syntax error, names the line it is on, as every other input diagnostic
// does (errors.ts, atLine). JSON.parse says only a character position, and not on every Node version.
import { atLine, UserError } from './errors';

/** The keys and indices from the document's root to a value, e.g. ['models', 2, 'inputPerMTok']. */
export type JsonPath = readonly (string | number)[];

export interface LocatedJson {
  value: unknown;
  /** The line (1-based) a value starts on; for a path that is not there, the line of its nearest parent that is. */
  lineOf(path: JsonPath): number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS: readonly (readonly [string, unknown])[] = [['true', true], ['false', false], ['null', null]];

/** Parses JSON text (RFC 8259, as JSON.parse does); a syntax error is a UserError naming `file` and the line. */
export function parseLocatedJson(text: string, file: string): LocatedJson {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const fail = (what: string): never => {
    throw new UserError(atLine(file, line, `not valid JSON: ${what}`));
  };
  const found = (): string => (i >= text.length ? 'the end of the file' : JSON.stringify(text[i]));
  const skipSpace = (): void => {
    for (; i < text.length && ' \t\r\n'.includes(text[i] as string); i++) if (text[i] === '\n') line++;
  };
  const expect = (c: string, what: string): void => {
    skipSpace();
    if (text[i] !== c) fail(`expected ${what}, found ${found()}`);
    i++;
  };
  const readString = (): string => {
    const start = i++;
    for (; text[i] !== '"'; i++) {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail('a string is not closed on its line');
      if (text[i] === '\\') i++;
    }
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail(`a bad escape in the string ${text.slice(start, i)}`);
    }
  };
  const readValue = (path: (string | number)[]): unknown => {
    skipSpace();
    lines.set(JSON.stringify(path), line);
    const c = text[i];
    if (c === '"') return readString();
    if (c === '{' || c === '[') {
      i++;
      const close = c === '{' ? '}' : ']';
      const object: Record<string, unknown> = {};
      const array: unknown[] = [];
      skipSpace();
      if (text[i] === close) {
        i++;
        return c === '{' ? object : array;
      }
      for (;;) {
        if (c === '{') {
          skipSpace();
          if (text[i] !== '"') fail(`expected a "quoted" field name, found ${found()}`);
          const name = readString();
          expect(':', 'a colon after the field name');
          // defineProperty: a field named "__proto__" is a field, as JSON.parse makes it, not the prototype.
          Object.defineProperty(object, name, { value: readValue([...path, name]), enumerable: true, writable: true, configurable: true });
        } else {
          array.push(readValue([...path, array.length]));
        }
        skipSpace();
        if (text[i] === close) break;
        expect(',', `a comma or ${close}`);
      }
      i++;
      return c === '{' ? object : array;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number) {
      i += number[0].length;
      return Number(number[0]);
    }
    const literal = LITERALS.find(([word]) => text.startsWith(word, i));
    if (literal) {
      i += literal[0].length;
      return literal[1];
    }
    return fail(`expected a value, found ${found()}`);
  };
  // A byte order mark some editors write is not part of the JSON.
  if (text.startsWith('\uFEFF')) i = 1;
  const value = readValue([]);
  skipSpace();
  if (i < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
  return {
    value,
    lineOf(path) {
      for (let end = path.length; end >= 0; end--) {
        const at = lines.get(JSON.stringify(path.slice(0, end)));
        if (at !== undefined) return at;
      }
      return 1;
    },
  };
}
