// Seeded randomness shared by everything that must be reproducible: built-in task generation,
// bootstrap resampling, tournament pairing, per-sample generation seeds.

/** A deterministic PRNG (sfc32) returning floats in [0, 1). */
export interface Rng {
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
}

/** createRng's generator, which also draws a batch at once. */
export interface BatchRng extends Rng {
  /**
   * The next `count` values of next() into out[0 … count−1], in order: the same numbers, about 3×
   * faster in batches of 1024 (docs/statistics.md, "Cost"; the bootstrap draws 10^8 of them at a
   * million samples).
   */
  fill(out: Float64Array, count: number): void;
}

export function createRng(seed: number | string): BatchRng {
  return rngOf(seedState(typeof seed === 'string' ? seed : `n:${seed}`));
}

function rngOf(seed: readonly [number, number, number, number]): BatchRng {
  const state = Int32Array.from(seed, (word) => word | 0);
  // The one implementation of the step: the state lives in locals for the loop, not in closure slots.
  const fill = (out: Float64Array, count: number): void => {
    let a = state[0] as number;
    let b = state[1] as number;
    let c = state[2] as number;
    let d = state[3] as number;
    for (let i = 0; i < count; i++) {
      let t = (a + b) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      d = (d + 1) | 0;
      t = (t + d) | 0;
      c = (c + t) | 0;
      out[i] = (t >>> 0) / 4294967296;
    }
    state[0] = a;
    state[1] = b;
    state[2] = c;
    state[3] = d;
  };
  const one = new Float64Array(1);
  const next = (): number => {
    fill(one, 1);
    return one[0] as number;
  };
  fill(new Float64Array(12), 12);
  return { next, int: (n: number) => Math.floor(next() * n), fill };
}

/** Fisher–Yates shuffle into a new array. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A 31-bit non-negative integer derived from any parts; used for per-sample seeds. */
export function deriveSeed(...parts: (string | number)[]): number {
  const [a, b] = seedState(parts.join('\u0000'));
  return ((a ^ b) >>> 0) & 0x7fffffff;
}

function seedState(str: string): [number, number, number, number] {
  return new StringSeed().update(str).state();
}

/**
 * cyrb128, a small, well-mixed string hash giving four 32-bit words, as a running state: the seeds
 * of every prefix of a long text in one pass (createRng(text.slice(0, i)) for each i is quadratic).
 */
export class StringSeed {
  private h1 = 1779033703;
  private h2 = 3144134277;
  private h3 = 1013904242;
  private h4 = 2773480762;

  /** Hashes on with str's UTF-16 units from `from` to `to`. */
  update(str: string, from = 0, to = str.length): this {
    let { h1, h2, h3, h4 } = this;
    for (let i = from; i < to; i++) {
      const k = str.charCodeAt(i);
      h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
      h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
      h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
      h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
    }
    Object.assign(this, { h1, h2, h3, h4 });
    return this;
  }

  /** createRng of everything hashed so far. */
  rng(): Rng {
    return rngOf(this.state());
  }

  state(): [number, number, number, number] {
    let { h1, h2, h3, h4 } = this;
    h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
    h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
    h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
    h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
    h1 ^= h2 ^ h3 ^ h4; h2 ^= h1; h3 ^= h1; h4 ^= h1;
    return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
  }
}
