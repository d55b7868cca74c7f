import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseLocatedJson } from '../../../src/core/util/jsonLines';
import { UserError } from '../../../src/core/util/errors';

const FILE = '/home/u/.config/gaplens/pricing.json';

function syntaxError(text: string): string {
  try {
    parseLocatedJson(text, FILE);
  } catch (err) {
    assert.ok(err instanceof UserError, String(err));
    return err.message;
  }
  assert.fail(`${JSON.stringify(text)} parsed`);
}

describe('parseLocatedJson', () => {
  it('reads what JSON.parse reads, to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        assert.deepEqual(parseLocatedJson(text, FILE).value, JSON.parse(text));
      }),
    );
  });

  it('says the line each value starts on, and a missing field\'s nearest parent', () => {
    const text = '{\n  "currency": "USD",\n  "models": [\n    {"model": "a"},\n\n    {\n      "model": "b",\n      "inputPerMTok": 1\n    }\n  ]\n}\n';
    const { lineOf } = parseLocatedJson(text, FILE);
    assert.equal(lineOf([]), 1);
    assert.equal(lineOf(['currency']), 2);
    assert.equal(lineOf(['models', 0]), 4);
    assert.equal(lineOf(['models', 0, 'model']), 4);
    assert.equal(lineOf(['models', 1]), 6);
    assert.equal(lineOf(['models', 1, 'inputPerMTok']), 8);
    assert.equal(lineOf(['models', 1, 'outputPerMTok']), 6);
    assert.equal(lineOf(['nothing', 'here']), 1);
  });

  it('names the file and the line of a syntax error, whatever the Node version says', () => {
    assert.equal(syntaxError('{\n  "a": 1,\n}'), `${FILE}:3: not valid JSON: expected a "quoted" field name, found "}"`);
    assert.equal(syntaxError('{\n  "models": [\n  ,]\n}'), `${FILE}:3: not valid JSON: expected a value, found ","`);
    assert.equal(syntaxError('{"a": 1\n"b": 2}'), `${FILE}:2: not valid JSON: expected a comma or }, found "\\""`);
    assert.equal(syntaxError('{"a" 1}'), `${FILE}:1: not valid JSON: expected a colon after the field name, found "1"`);
    assert.equal(syntaxError('{"a": "x\n"}'), `${FILE}:1: not valid JSON: a string is not closed on its line`);
    assert.equal(syntaxError('{"a": "\\q"}'), `${FILE}:1: not valid JSON: a bad escape in the string "\\q"`);
    assert.equal(syntaxError('{"a": 01}'), `${FILE}:1: not valid JSON: expected a comma or }, found "1"`);
    assert.equal(syntaxError('{}\n\nx'), `${FILE}:3: not valid JSON: unexpected "x" after the end of the JSON value`);
    assert.equal(syntaxError('\n'), `${FILE}:2: not valid JSON: expected a value, found the end of the file`);
    assert.equal(syntaxError('[1, 2'), `${FILE}:1: not valid JSON: expected a comma or ], found the end of the file`);
    assert.equal(syntaxError("{'a': 1}"), `${FILE}:1: not valid JSON: expected a "quoted" field name, found "'"`);
  });

  it('keeps a field named __proto__ a field, as JSON.parse does, and skips a byte order mark', () => {
    const { value } = parseLocatedJson('\uFEFF{"__proto__": {"polluted": true}}', FILE);
    assert.deepEqual(Object.keys(value as object), ['__proto__']);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });
});
