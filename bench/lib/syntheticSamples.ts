// A synthetic scored-samples file (the `gaplens report --samples` format) of any size: task t has
// a difficulty p_t ~ U(0,1); each sample is correct with probability p_t and gets an mc score that
// leans towards its correctness, so the verifier is informative and the gap is positive.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from '../../src/core/util/random';

export async function writeSyntheticSamples(file: string, tasks: number, perTask: number, seed = 0): Promise<void> {
  const rng = createRng(`synthetic-samples:${seed}`);
  const out = createWriteStream(file);
  let chunk = '';
  for (let t = 0; t < tasks; t++) {
    const p = rng.next();
    for (let i = 0; i < perTask; i++) {
      const correct = rng.next() < p;
      const score = Math.min(1, Math.max(0, (correct ? 0.6 : 0.4) + (rng.next() - 0.5) * 0.8));
      chunk += `{"task":"t${t}","correct":${correct},"scores":{"mc":${score.toFixed(4)}}}\n`;
    }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
