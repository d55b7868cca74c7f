// Completion inside one JSONL record: field names where a key goes, grader names where the value
// of "grader" goes. A small scanner over the line up to the cursor decides which, since the line
// being typed is rarely valid JSON.
import { CompletionItemKind, type CompletionItem, type Range } from 'vscode-languageserver';
import { GRADER_NAMES } from '../core/tasks/task';

const FIELDS: readonly { name: string; detail: string }[] = [
  { name: 'id', detail: 'unique task id (string)' },
  { name: 'question', detail: 'the question the model answers (string)' },
  { name: 'answer', detail: 'gold answer (string, or a list of accepted aliases for nq)' },
  { name: 'grader', detail: `how answers are checked: ${GRADER_NAMES.join(', ')}` },
  { name: 'meta', detail: 'free-form object kept with the task' },
];

type CursorContext =
  | { kind: 'key'; inString: boolean; start: number }
  | { kind: 'value'; key: string; inString: boolean; start: number }
  | { kind: 'none' };

/**
 * Where the cursor is in the top-level object of `text` (one line). `start` is where the token
 * being typed begins: after its opening quote inside a string, else the cursor.
 */
export function cursorContext(text: string, character: number): CursorContext {
  let depth = 0;
  let expect: 'key' | 'value' | 'other' = 'other';
  let lastKey = '';
  let stringStart = -1;
  let stringRole: 'key' | 'value' | 'other' = 'other';
  for (let i = 0; i < character && i < text.length; i++) {
    const c = text[i];
    if (stringStart >= 0) {
      if (c === '\\') i++;
      else if (c === '"') {
        if (stringRole === 'key') lastKey = text.slice(stringStart, i);
        stringStart = -1;
        expect = 'other';
      }
      continue;
    }
    if (c === '"') {
      stringStart = i + 1;
      stringRole = depth === 1 ? expect : 'other';
    } else if (c === '{' || c === '[') {
      depth++;
      expect = depth === 1 && c === '{' ? 'key' : 'other';
    } else if (c === '}' || c === ']') {
      depth--;
      expect = 'other';
    } else if (depth === 1 && c === ',') expect = 'key';
    else if (depth === 1 && c === ':') expect = 'value';
  }
  if (stringStart >= 0) {
    if (stringRole === 'key') return { kind: 'key', inString: true, start: stringStart };
    if (stringRole === 'value') return { kind: 'value', key: lastKey, inString: true, start: stringStart };
    return { kind: 'none' };
  }
  if (depth !== 1) return { kind: 'none' };
  if (expect === 'key') return { kind: 'key', inString: false, start: character };
  if (expect === 'value') return { kind: 'value', key: lastKey, inString: false, start: character };
  return { kind: 'none' };
}

/** Completions at `character` on line `line` (0-based) whose text is `text`. */
export function taskCompletions(text: string, line: number, character: number): CompletionItem[] {
  const context = cursorContext(text, character);
  if (context.kind === 'none') return [];
  // Inside a string, replace the word up to its closing quote; outside, insert a quoted token.
  const end = context.inString ? wordEnd(text, character) : character;
  const range: Range = { start: { line, character: context.start }, end: { line, character: end } };
  const quote = (s: string): string => (context.inString ? s : `"${s}"`);
  if (context.kind === 'key') {
    const present = presentKeys(text);
    return FIELDS.filter((f) => !present.has(f.name)).map((f, i) => ({
      label: f.name,
      kind: CompletionItemKind.Field,
      detail: f.detail,
      sortText: String(i),
      textEdit: { range, newText: context.inString ? f.name : `${quote(f.name)}: ` },
    }));
  }
  if (context.key !== 'grader') return [];
  return GRADER_NAMES.map((name) => ({ label: name, kind: CompletionItemKind.EnumMember, textEdit: { range, newText: quote(name) } }));
}

function wordEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && text[end] !== '"') end++;
  return end;
}

/** Keys already on the line, so completion offers only the missing ones. */
function presentKeys(text: string): Set<string> {
  return new Set([...text.matchAll(/"([a-z]+)"\s*:/g)].map((m) => m[1] ?? ''));
}
