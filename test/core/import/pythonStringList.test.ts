import assert from 'node:assert/strict';
import { pythonStringList } from '../../../src/core/import/pythonStringList';

describe('pythonStringList (lm-eval targets written through str())', () => {
  it("reads str(list) of strings, with either quote and Python's escapes", () => {
    assert.deepEqual(pythonStringList("['Paris', 'Paris, France']"), ['Paris', 'Paris, France']);
    // str() picks double quotes for a string holding a single quote.
    assert.deepEqual(pythonStringList(`["Steve Perry's band", 'Journey']`), ["Steve Perry's band", 'Journey']);
    assert.deepEqual(pythonStringList("['it\\'s', 'a\\\\b', 'tab\\there', '\\xe9t\\u00e9']"), ["it's", 'a\\b', 'tab\there', 'été']);
    assert.deepEqual(pythonStringList('[]'), []);
  });

  it('is null for anything else, so such a target stays a plain answer', () => {
    for (const text of ['Paris', "['Paris'", "['Paris'] and more", '[1, 2]', "['a' 'b']", "['\\q']", "['\\x4']", "'Paris'", "['Paris',]"]) {
      assert.equal(pythonStringList(text), null, text);
    }
  });
});
