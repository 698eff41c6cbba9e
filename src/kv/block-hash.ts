// Block hashes for the prefix cache. vLLM hashes (parent_hash, block_tokens, extra_keys) with
// sha256; any collision-resistant function of the same inputs gives the same cache behaviour
// (spec B.2). We use two independent 32-bit multiply-xorshift lanes folded into a 53-bit integer so
// hashes are plain JS numbers (fast Map keys, no allocation). The chance that two different blocks
// collide is about 2^-53 per pair: negligible for simulated working sets.

/** The parent hash of a request's first block (vLLM's NONE_HASH); a fixed value for reproducibility. */
export const NONE_HASH = 0x1f2e3d4c5b6a7;

const TWO_POW_21 = 2 ** 21;
const TWO_POW_32 = 2 ** 32;

function mix(h: number, k: number, m: number): number {
  k = Math.imul(k, m);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hash of the block covering `tokens[start, end)` chained to `parent`. `extra` stands for vLLM's
 * extra keys (e.g. a cache salt on block 0); 0 means none.
 */
export function hashBlock(
  parent: number,
  tokens: ArrayLike<number>,
  start: number,
  end: number,
  extra = 0,
): number {
  const parentLo = parent % TWO_POW_32 | 0;
  const parentHi = Math.floor(parent / TWO_POW_32) | 0;
  let a = 0x9747b28c;
  let b = 0x5bd1e995;
  a = mix(a, parentLo, 0xcc9e2d51);
  b = mix(b, parentLo, 0x2545f491);
  a = mix(a, parentHi, 0xcc9e2d51);
  b = mix(b, parentHi, 0x2545f491);
  a = mix(a, extra | 0, 0xcc9e2d51);
  b = mix(b, extra | 0, 0x2545f491);
  for (let i = start; i < end; i++) {
    const t = tokens[i]! | 0;
    a = mix(a, t, 0xcc9e2d51);
    b = mix(b, t ^ 0x5f356495, 0x2545f491);
  }
  const n = end - start;
  const hi = finish(a, n);
  const lo = finish(b, n + 0x3c6ef372) >>> 11;
  return hi * TWO_POW_21 + lo;
}
