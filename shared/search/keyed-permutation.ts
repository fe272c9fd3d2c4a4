/**
 * A keyed pseudo-random permutation of [0, n): `at(i)` is the i-th element of a shuffle of the range
 * determined by the key alone, computed in O(1) without materialising anything. Random search without
 * replacement uses it, so draw i depends only on (seed, i): any feeder can create any trial, in any
 * order, and a re-run draws the same trials bit for bit.
 *
 * A balanced Feistel network on the smallest even number of bits covering n, with cycle walking
 * (values ≥ n are fed through again; expected < 4 rounds since the domain is < 4n). Halves are at
 * most 26 bits, so every step is exact in doubles and 32-bit integer ops; n ≤ 2^52.
 */

/** Largest domain supported (halves of 26 bits keep products and sums exact in doubles). */
export const MAX_PERMUTATION_SIZE = 2 ** 52;
const ROUNDS = 4;

/** A 32-bit avalanche mix (murmur3's finaliser). */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class KeyedPermutation {
  private readonly halfBits: number;
  private readonly halfMask: number;
  private readonly halfSize: number;
  private readonly keys: Uint32Array;

  /**
   * @param n domain size, 1 ≤ n ≤ 2^52.
   * @param key 32-bit key (the search seed).
   */
  constructor(
    readonly n: number,
    key: number,
  ) {
    if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PERMUTATION_SIZE) throw new RangeError(`permutation size ${n} is outside [1, 2^52]`);
    let bits = 2;
    while (2 ** bits < n) bits += 2;
    this.halfBits = bits / 2;
    this.halfSize = 2 ** this.halfBits;
    this.halfMask = this.halfSize - 1;
    this.keys = new Uint32Array(ROUNDS);
    for (let r = 0; r < ROUNDS; r++) this.keys[r] = mix32((key >>> 0) ^ mix32(0x9e3779b9 * (r + 1)));
  }

  /** The element at position `i` (0 ≤ i < n) of the permutation. */
  at(i: number): number {
    let x = i;
    do x = this.encrypt(x);
    while (x >= this.n);
    return x;
  }

  private encrypt(x: number): number {
    let left = Math.floor(x / this.halfSize);
    let right = x % this.halfSize;
    for (let r = 0; r < ROUNDS; r++) {
      const f = mix32(right ^ this.keys[r]!) & this.halfMask;
      const next = (left ^ f) & this.halfMask;
      left = right;
      right = next;
    }
    return left * this.halfSize + right;
  }
}
