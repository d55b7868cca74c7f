import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { llamaModelId } from '../../../src/core/llm/llamaModelId';
import { STORIES_MODEL } from '../../helpers/cli';

describe('llamaModelId', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gaplens-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('follows the content, not the path', async () => {
    const copy = join(dir, 'renamed.gguf');
    copyFileSync(STORIES_MODEL, copy);
    const id = await llamaModelId(STORIES_MODEL);
    assert.match(id, /^llama:[0-9a-f]{16}$/);
    assert.equal(await llamaModelId(copy), id);
  });

  it('changes when the tensor data after the first MiB changes, at the same size', async () => {
    const bytes = readFileSync(STORIES_MODEL);
    const changed = Buffer.from(bytes);
    const last = changed.length - 1;
    changed[last] = (changed[last] ?? 0) ^ 0xff;
    writeFileSync(join(dir, 'a.gguf'), bytes);
    writeFileSync(join(dir, 'b.gguf'), changed);
    assert.notEqual(await llamaModelId(join(dir, 'b.gguf')), await llamaModelId(join(dir, 'a.gguf')));
  });

  it('changes with the size', async () => {
    writeFileSync(join(dir, 'a.gguf'), Buffer.alloc(10));
    writeFileSync(join(dir, 'b.gguf'), Buffer.alloc(11));
    assert.notEqual(await llamaModelId(join(dir, 'a.gguf')), await llamaModelId(join(dir, 'b.gguf')));
  });
});
