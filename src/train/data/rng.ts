/**
 * A small seedable PRNG (sfc32) whose whole state is four uint32s, so a training run can save
 * `rng.state()` in a checkpoint and resume every sampler on exactly the same sequence.
 * Math.random cannot do that, and tfjs's seeded ops do not expose their state.
 */

/** The serialisable state of an {@link Rng}: plain JSON, safe to put in a checkpoint. */
export interface RngState {
  kind: 'sfc32'
  s: [number, number, number, number]
}

/** splitmix32: spreads a 32-bit seed over the four state words (sfc32 dislikes zero states). */
function splitmix32(x: number): () => number {
  return () => {
    x = (x + 0x9e3779b9) | 0
    let z = x
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
}

/**
 * Hashes several integers into one 32-bit seed, so that derived streams (per class, per
 * drawing) do not depend on how many numbers other streams consumed.
 * @example const r = new Rng(hashSeed(seed, alphabet, character))
 */
export function hashSeed(...parts: number[]): number {
  let h = 0x811c9dc5
  for (const p of parts) {
    h = Math.imul(h ^ (p | 0), 0x01000193)
    h = splitmix32(h)()
  }
  return h >>> 0
}

/**
 * Seedable random numbers with checkpointable state.
 * @example
 * const rng = new Rng(42)
 * const saved = rng.state()
 * const a = rng.next()
 * Rng.fromState(saved).next() === a // true
 */
export class Rng {
  private a = 0
  private b = 0
  private c = 0
  private d = 0

  /** @param seed any number; only its low 32 bits matter */
  constructor(seed = 0) {
    const sm = splitmix32(seed >>> 0)
    this.a = sm()
    this.b = sm()
    this.c = sm()
    this.d = 1
    // Warm-up: the first outputs of sfc32 are still correlated with the seed.
    for (let i = 0; i < 12; i++) this.nextUint32()
  }

  /** Rebuilds a generator that continues exactly where the saved one was. */
  static fromState(state: RngState): Rng {
    if (state?.kind !== 'sfc32' || !Array.isArray(state.s) || state.s.length !== 4)
      throw new Error('Rng.fromState: expected { kind: "sfc32", s: [4 uint32] }')
    const r = new Rng(0)
    ;[r.a, r.b, r.c, r.d] = state.s.map((v) => v >>> 0) as RngState['s']
    return r
  }

  /** A copy of the current state (mutating it does not affect this generator). */
  state(): RngState {
    return { kind: 'sfc32', s: [this.a, this.b, this.c, this.d] }
  }

  /** An independent generator with the same state. */
  clone(): Rng {
    return Rng.fromState(this.state())
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }

  /** Unbiased uniform integer in [0, n), n <= 2^32 (rejection sampling, not modulo). */
  int(n: number): number {
    if (!(n >= 1) || n > 4294967296 || !Number.isInteger(n))
      throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`)
    const limit = 4294967296 - (4294967296 % n)
    let x: number
    do x = this.nextUint32()
    while (x >= limit)
    return x % n
  }

  /**
   * Standard normal (Box-Muller). No spare value is cached, so `state()` alone captures
   * everything needed to resume.
   */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.next() // (0, 1]: log(0) is never taken
    const v = this.next()
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }

  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = arr[i]
      arr[i] = arr[j]
      arr[j] = t
    }
    return arr
  }

  /** One element chosen uniformly. */
  pick<T>(arr: ArrayLike<T>): T {
    if (arr.length === 0) throw new RangeError('Rng.pick: empty array')
    return arr[this.int(arr.length)]
  }

  /**
   * k distinct integers from [0, n), in random order. Costs O(k) for k much smaller than n
   * (Floyd's algorithm), so drawing 5 of 4,800 classes does not touch all 4,800.
   */
  sample(n: number, k: number): Int32Array {
    if (k > n || k < 0) throw new RangeError(`Rng.sample: cannot draw ${k} distinct of ${n}`)
    const out = new Int32Array(k)
    if (k * 4 > n) {
      const all = new Int32Array(n)
      for (let i = 0; i < n; i++) all[i] = i
      for (let i = 0; i < k; i++) {
        const j = i + this.int(n - i)
        out[i] = all[j]
        all[j] = all[i]
      }
      return out
    }
    const seen = new Set<number>()
    let m = 0
    for (let j = n - k; j < n; j++) {
      const t = this.int(j + 1)
      const v = seen.has(t) ? j : t
      seen.add(v)
      out[m++] = v
    }
    // Floyd's picks a uniform set but not a uniform order.
    return this.shuffle(out)
  }
}
