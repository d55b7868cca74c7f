import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { promptParts } from '../../../webview/model/promptParts';

const TEMPLATE = fs.readFileSync(path.join(__dirname, '../../../templates/verify-mc.txt'), 'utf8');

describe('webview verifier prompt parts', () => {
  const question = 'What is 6 times 7?';
  const response = 'Six sevens are 42. The answer is 42.';
  const prompt = TEMPLATE.replace('{{question}}', question).replace('{{response}}', response);

  it('puts the judged question and response first and the few-shot preamble apart', () => {
    const parts = promptParts(prompt, question, response);
    assert.ok(parts.judged.startsWith(`Question: ${question}\nResponse: ${response}\n`), parts.judged);
    assert.ok(parts.preamble.length > 0 && parts.preamble.includes('Judgement: Correct'));
    assert.equal(parts.preamble + parts.judged, prompt, 'nothing lost, nothing added');
  });

  it('takes the last occurrence: a question that also appears among the examples', () => {
    const repeated = 'What is the smallest prime number greater than 20?';
    const p = TEMPLATE.replace('{{question}}', repeated).replace('{{response}}', 'The answer is 23.');
    assert.ok(promptParts(p, repeated, undefined).judged.startsWith(`Question: ${repeated}\nResponse: The answer is 23.`));
  });

  it('falls back to the response, then to the whole prompt', () => {
    assert.ok(promptParts(prompt, 'a question the prompt does not hold', response).judged.startsWith(`Response: ${response}`));
    assert.deepEqual(promptParts('just a prompt', undefined, 'absent'), { preamble: '', judged: 'just a prompt' });
  });
});
