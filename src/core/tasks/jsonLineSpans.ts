// Where things are on one line of a JSON Lines file, so a problem can be marked at the field it is
// about (or where the JSON stops being JSON) instead of on the whole line. JSON.parse gives values,
// not positions; this walks the text once with the grammar of RFC 8259.

/** 0-based UTF-16 offsets into the line, end exclusive (an editor's columns). */
export interface Span {
  start: number;
  end: number;
}

/** A top-level member of an object: its quoted name and its value. */
export interface MemberSpans {
  key: Span;
  value: Span;
}

export type LineScan =
  /** Valid JSON; `members` holds the top-level members of an object (the last one of a repeated name, as JSON.parse keeps), empty for any other value. */
  | { members: Map<string, MemberSpans> }
  /** Not JSON: the offset of the first character that cannot continue it (the line's length when it ends too soon). */
  | { errorAt: number };

class NotJson extends Error {
  constructor(readonly at: number) {
    super(`not JSON at ${at}`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const LITERAL = /true|false|null/y;
const WHITESPACE = /[ \t\n\r]*/y;

/** Null when the line nests too deeply to walk. */
export function scanJsonLine(text: string): LineScan | null {
  let pos = 0;
  const fail = (at = pos): never => {
    throw new NotJson(at);
  };
  const skipWhitespace = (): void => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.test(text);
    pos = WHITESPACE.lastIndex;
  };
  const sticky = (re: RegExp): boolean => {
    re.lastIndex = pos;
    if (!re.test(text)) return false;
    pos = re.lastIndex;
    return true;
  };
  const string = (): void => {
    pos++; // the opening quote
    for (;;) {
      const c = text.charCodeAt(pos);
      if (Number.isNaN(c) || c < 0x20) fail();
      pos++;
      if (c === 0x22) return; // "
      if (c !== 0x5c) continue; // not a backslash
      const escaped = text[pos];
      if (escaped === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 1, pos + 5))) fail(pos + 1);
        pos += 5;
      } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) pos++;
      else fail();
    }
  };
  const value = (depth: number, members: Map<string, MemberSpans> | null): void => {
    skipWhitespace();
    const c = text[pos];
    if (c === '"') string();
    else if (c === '{') container('}', depth, members);
    else if (c === '[') container(']', depth, null);
    else if (!sticky(NUMBER) && !sticky(LITERAL)) fail();
  };
  const container = (close: '}' | ']', depth: number, members: Map<string, MemberSpans> | null): void => {
    pos++;
    skipWhitespace();
    if (text[pos] === close) {
      pos++;
      return;
    }
    for (;;) {
      if (close === '}') {
        skipWhitespace();
        if (text[pos] !== '"') fail();
        const keyStart = pos;
        string();
        const key: Span = { start: keyStart, end: pos };
        skipWhitespace();
        if (text[pos] !== ':') fail();
        pos++;
        skipWhitespace();
        const valueStart = pos;
        value(depth + 1, null);
        if (depth === 0 && members) members.set(JSON.parse(text.slice(key.start, key.end)) as string, { key, value: { start: valueStart, end: pos } });
      } else {
        value(depth + 1, null);
      }
      skipWhitespace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] !== close) fail();
      pos++;
      return;
    }
  };
  try {
    const members = new Map<string, MemberSpans>();
    value(0, members);
    skipWhitespace();
    if (pos < text.length) fail();
    return { members };
  } catch (error) {
    if (error instanceof NotJson) return { errorAt: Math.min(error.at, text.length) };
    // Nested deeper than the stack allows (JSON.parse may still read it): no positions to give.
    if (error instanceof RangeError) return null;
    throw error;
  }
}
