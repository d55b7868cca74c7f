import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelProblem, parseRunNotes, readRunNotes, RUN_NOTES_FILE, updateRunNotes } from '../../../src/extension/run/runNotes';

describe('run notes (gaplens-ui.json: the label and how the last execution ended)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gaplens-notes-'));
    writeFileSync(join(dir, 'run.json'), '{"untouched":true}');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes and removes fields without touching run.json, and removes the file when nothing is left', async () => {
    assert.deepEqual(await readRunNotes(dir), {});
    await updateRunNotes(dir, { label: 'baseline' });
    await updateRunNotes(dir, { ended: 'cancelled' });
    assert.deepEqual(await readRunNotes(dir), { label: 'baseline', ended: 'cancelled' });
    await updateRunNotes(dir, { ended: undefined });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, RUN_NOTES_FILE), 'utf8')), { label: 'baseline' });
    await updateRunNotes(dir, { label: undefined });
    assert.equal(existsSync(join(dir, RUN_NOTES_FILE)), false);
    assert.equal(readFileSync(join(dir, 'run.json'), 'utf8'), '{"untouched":true}');
  });

  it('validates labels: one trimmed line of 1 to 80 characters', async () => {
    assert.equal(labelProblem('baseline 7B, T=0.7'), null);
    assert.match(labelProblem(' x') ?? '', /no leading or trailing spaces/);
    assert.match(labelProblem('') ?? '', /not empty/);
    assert.match(labelProblem('a\nb') ?? '', /one line/);
    assert.match(labelProblem('x'.repeat(81)) ?? '', /at most 80 characters \(this one has 81\)/);
    await assert.rejects(updateRunNotes(dir, { label: 'a\tb' }), /one line without control characters/);
    assert.equal(existsSync(join(dir, RUN_NOTES_FILE)), false);
  });

  it('reads a bad file as no notes and says what is wrong with it', async () => {
    for (const [text, why] of [
      ['{', /is not JSON/],
      ['[]', /must be a JSON object/],
      ['{"label":3}', /"label" must be a string/],
      ['{"ended":"exploded"}', /"ended" must be "cancelled" or "failed"/],
      ['{"label":"x","colour":"red"}', /unknown fields: colour/],
    ] as const) {
      assert.throws(() => parseRunNotes(text), why);
      writeFileSync(join(dir, RUN_NOTES_FILE), text);
      const problems: string[] = [];
      assert.deepEqual(await readRunNotes(dir, (m) => problems.push(m)), {});
      assert.match(problems[0] ?? '', new RegExp(`^${join(dir, RUN_NOTES_FILE).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    }
  });
});
