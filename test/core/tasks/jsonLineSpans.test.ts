import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scanJsonLine } from '../../../src/core/tasks/jsonLineSpans';

/** The text of each member's name and value, as the spans cut them out of the line. */
function cut(text: string): Record<string, [string, string]> | { errorAt: number } | null {
  const scan = scanJsonLine(text);
  if (scan === null || 'errorAt' in scan) return scan;
  return Object.fromEntries([...scan.members].map(([name, m]) => [name, [text.slice(m.key.start, m.key.end), text.slice(m.value.start, m.value.end)]]));
}

describe('scanJsonLine', () => {
  it('finds the name and value of every top-level member, nested values and escapes included', () => {
    const text = ' { "id" : "a\\"b" , "answer": ["x", {"y": [1, 2]}], "n": -1.5e3, "ok": true, "m": {"grader": "x"}, "\\u0067rader": null } ';
    assert.deepEqual(cut(text), {
      id: ['"id"', '"a\\"b"'],
      answer: ['"answer"', '["x", {"y": [1, 2]}]'],
      n: ['"n"', '-1.5e3'],
      ok: ['"ok"', 'true'],
      m: ['"m"', '{"grader": "x"}'],
      grader: ['"\\u0067rader"', 'null'],
    });
  });

  it('keeps the last of a repeated name, as JSON.parse does', () => {
    assert.deepEqual(cut('{"a": 1, "a": 22}'), { a: ['"a"', '22'] });
  });

  it('has no members for JSON that is not an object', () => {
    assert.deepEqual(cut('[1, {"a": 2}]'), {});
    assert.deepEqual(cut('"text"'), {});
  });

  it('gives the offset where the text stops being JSON', () => {
    assert.deepEqual(cut('{"a": tru}'), { errorAt: 6 });
    assert.deepEqual(cut('{"a": 1,}'), { errorAt: 8 });
    assert.deepEqual(cut('{"a" 1}'), { errorAt: 5 });
    assert.deepEqual(cut('{"a": 01}'), { errorAt: 7 });
    assert.deepEqual(cut('{"a": "x\\q"}'), { errorAt: 9 });
    assert.deepEqual(cut('{"a": "\\u12g4"}'), { errorAt: 9 });
    assert.deepEqual(cut('{"a": 1} x'), { errorAt: 9 });
    // Ending too soon: the line's length.
    assert.deepEqual(cut('{"id": "b", "question":'), { errorAt: 23 });
    assert.deepEqual(cut('{"a": "open'), { errorAt: 11 });
    assert.deepEqual(cut(''), { errorAt: 0 });
  });

  it('agrees with JSON.parse on what is JSON, and cuts out values that parse to the members', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('', ' ', '  '), (value, gap) => {
        const text = (JSON.stringify(value) ?? 'null').replace(/,/g, `,${gap}`);
        const scan = scanJsonLine(text);
        assert.ok(scan !== null && 'members' in scan, text);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
        assert.deepEqual(
          Object.fromEntries([...scan.members].map(([name, m]) => [name, JSON.parse(text.slice(m.value.start, m.value.end)) as unknown])),
          JSON.parse(text) as unknown,
        );
      }),
    );
    // Valid JSON with one character cut out, and arbitrary strings: mostly not JSON.
    const broken = fc.tuple(fc.json(), fc.nat()).map(([json, at]) => json.slice(0, at % (json.length + 1)) + json.slice((at % (json.length + 1)) + 1));
    fc.assert(
      fc.property(fc.oneof(broken, fc.string()), (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        const scan = scanJsonLine(text);
        assert.equal(scan !== null && 'members' in scan, parses, JSON.stringify(text));
      }),
    );
  });
});
