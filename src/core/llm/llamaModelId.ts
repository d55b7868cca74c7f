// A content fingerprint of a GGUF file, so cached responses follow the weights, not the path.
// The first MiB alone is not enough: a GGUF starts with its metadata, and for large vocabularies
// (Qwen: 152k tokens) that alone is several MiB, identical across fine-tunes of one base model
// (which also have identical sizes). So the hash also covers slices spread over the tensor data.
// Hashing whole multi-GB files on every start would take seconds; sampled slices take milliseconds.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

const HEAD_BYTES = 1024 * 1024;
const SLICE_BYTES = 64 * 1024;
const SLICES = 32;

/** `llama:<16 hex digits>` from the file's size, first MiB, last MiB and 32 evenly spread 64 KiB slices. */
export async function llamaModelId(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const hash = createHash('sha256').update(`gguf-size:${size}\n`);
    const read = async (offset: number, length: number): Promise<void> => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
      hash.update(buffer.subarray(0, bytesRead));
    };
    await read(0, HEAD_BYTES);
    for (let i = 1; i <= SLICES; i++) await read(Math.floor((size * i) / (SLICES + 1)), SLICE_BYTES);
    await read(Math.max(0, size - HEAD_BYTES), HEAD_BYTES);
    return `llama:${hash.digest('hex').slice(0, 16)}`;
  } finally {
    await file.close();
  }
}
