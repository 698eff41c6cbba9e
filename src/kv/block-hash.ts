// Block hashes for the prefix cache. vLLM hashes (parent_hash, block_tokens, extra_keys) with
// sha256; any collision-resistant function of the same inputs gives the same cache behaviour
// (spec B.2), and hash values never reach the output: only their equality matters.
//
// We run two independent 32-bit lanes over the same input and fold them into a 53-bit integer, so
// hashes are plain JS numbers (no allocation) and two different blocks collide with probability
// about 2^-53. Each lane absorbs one 32-bit word per step with a round of xxHash32 (XXH32's
// accumulator round for lane A, its tail round for lane B: different multipliers and rotations),
// and ends with MurmurHash3's fmix32 avalanche. That is one multiply-rotate-multiply chain per lane
// per token, about half the work of the Murmur3 mixing used before (issue 9).

/** The parent hash of a request's first block (vLLM's NONE_HASH); a fixed value for reproducibility. */
export const NONE_HASH = 0x1f2e3d4c5b6a7;

const TWO_POW_21 = 2 ** 21;

// xxHash32's primes (odd, well-spread bits).
const PRIME32_1 = 0x9e3779b1 | 0;
const PRIME32_2 = 0x85ebca77 | 0;
const PRIME32_3 = 0xc2b2ae3d | 0;
const PRIME32_4 = 0x27d4eb2f | 0;
const SEED_A = 0x5bd1e995;
const SEED_B = 0x3c6ef372;

/** Lane A absorbs `word`: XXH32's round, rotl(acc + word * P2, 13) * P1. */
function roundA(acc: number, word: number): number {
  acc = (acc + Math.imul(word, PRIME32_2)) | 0;
  return Math.imul((acc << 13) | (acc >>> 19), PRIME32_1);
}

/** Lane B absorbs `word`: XXH32's 4-byte tail round, rotl(acc + word * P3, 17) * P4. */
function roundB(acc: number, word: number): number {
  acc = (acc + Math.imul(word, PRIME32_3)) | 0;
  return Math.imul((acc << 17) | (acc >>> 15), PRIME32_4);
}

/** MurmurHash3's fmix32 finalizer (a bijection that avalanches every input bit), as a uint32. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hash of the block covering `tokens[start, end)` chained to `parent` (NONE_HASH or an earlier
 * result: an integer in [0, 2^53)). `extra` stands for vLLM's extra keys (e.g. a cache salt on
 * block 0), as a 32-bit integer; 0 means none. The result is an integer in [0, 2^53).
 */
export function hashBlock(
  parent: number,
  tokens: ArrayLike<number>,
  start: number,
  end: number,
  extra = 0,
): number {
  // A hash is hi * 2^21 + lo (see the return): split the parent back into those two words with
  // exact float operations (no `%`, which compiles to a call to fmod).
  const parentHigh = Math.floor(parent / TWO_POW_21);
  const parentLo = (parent - parentHigh * TWO_POW_21) | 0;
  const parentHi = parentHigh | 0;
  let a = roundA(roundA(roundA(SEED_A, parentHi), parentLo), extra | 0);
  let b = roundB(roundB(roundB(SEED_B, parentLo), parentHi), extra | 0);
  for (let i = start; i < end; i++) {
    const token = tokens[i]! | 0;
    a = roundA(a, token);
    b = roundB(b, token);
  }
  const n = end - start;
  const hi = fmix32(a ^ n);
  const lo = fmix32(b ^ Math.imul(n, PRIME32_1)) >>> 11;
  return hi * TWO_POW_21 + lo;
}

// Seeds of the run hash: a function of its own, so a run hash and a token hash of the same
// parent agree only by chance (about 2^-53), as two token hashes do.
const RUN_SEED_A = 0x1b873593;
const RUN_SEED_B = 0x68e31da4;

/**
 * Hash of a block of `length` synthetic tokens, syntheticToken(key, keyPosition + i) for i in
 * [0, length), chained to `parent`. It stands for hashBlock over those tokens: the tokens are a
 * function of (key, keyPosition, length), and two different such triples give the same tokens with
 * probability about 2^-31 per token. So it keeps the one property the prefix cache needs, equal
 * contents <=> equal hashes, provided synthetic tokens always reach the hasher as runs
 * (tokens/token-content.ts). Three words instead of 16 tokens, and no tokens to synthesize.
 */
export function hashRunBlock(parent: number, key: number, keyPosition: number, length: number): number {
  // The run's words go first: they do not depend on the parent, so when blocks are hashed one
  // after the other the CPU works on them while the parent is still being computed.
  const runA = roundA(roundA(RUN_SEED_A, key | 0), keyPosition | 0);
  const runB = roundB(roundB(RUN_SEED_B, keyPosition | 0), key | 0);
  const parentHigh = Math.floor(parent / TWO_POW_21);
  const parentLo = (parent - parentHigh * TWO_POW_21) | 0;
  const parentHi = parentHigh | 0;
  const a = roundA(roundA(runA, parentHi), parentLo);
  const b = roundB(roundB(runB, parentLo), parentHi);
  const hi = fmix32(a ^ length);
  const lo = fmix32(b ^ Math.imul(length, PRIME32_1)) >>> 11;
  return hi * TWO_POW_21 + lo;
}
