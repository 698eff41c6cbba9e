// Synthetic token ids. A workload rarely knows real token ids, but the prefix cache hashes token
// contents, so simtrace synthesizes them: the same (content key, position) always gives the same
// id, and different keys give independent pseudo-random ids in [FIRST_SYNTHETIC_TOKEN, 2^31).
// Two different 16-token blocks agree by chance with probability about 2^-496: never, in practice.

/** The end-of-sequence token id of simulated models (vLLM's tests use 50256 for GPT-2). */
export const EOS_TOKEN_ID = 2;
/** Ids below this are reserved (EOS and friends); synthetic ids never fall there. */
export const FIRST_SYNTHETIC_TOKEN = 1000;

const SYNTHETIC_RANGE = 0x7fffffff - FIRST_SYNTHETIC_TOKEN;

// The id is FIRST_SYNTHETIC_TOKEN + (h mod SYNTHETIC_RANGE) for a 32-bit mix h of a key part and a
// position part (tokenOf); the parts are split out so that fillSyntheticTokens can compute them
// incrementally.
const KEY_SALT = 0x2c1b3c6d;
const KEY_MULTIPLIER = 0x297a2d39;
const POSITION_OFFSET = 0x6b43a9b5;
const POSITION_MULTIPLIER = 0x85ebca77 | 0;

/** The id of the mix of key part `k` and position part `p` (see syntheticToken). */
function tokenOf(k: number, p: number): number {
  let h = k ^ p;
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return FIRST_SYNTHETIC_TOKEN + ((h >>> 0) % SYNTHETIC_RANGE);
}

/** The token id at `position` of the content identified by `key` (a 32-bit integer). */
export function syntheticToken(key: number, position: number): number {
  return tokenOf(Math.imul(key ^ KEY_SALT, KEY_MULTIPLIER), Math.imul(position + POSITION_OFFSET, POSITION_MULTIPLIER));
}

/** Writes `length` synthetic tokens of content `key`, from `position` on, into `out` at `offset`. */
export function fillSyntheticTokens(
  out: Int32Array,
  offset: number,
  key: number,
  position: number,
  length: number,
): void {
  // Prompt building calls this for every token of every prompt, so it hoists syntheticToken's key
  // part out of the loop and steps its position part by one multiplier per token
  // (imul(p + 1 + c, m) = imul(p + c, m) + m, mod 2^32); the ids are those of syntheticToken.
  const k = Math.imul(key ^ KEY_SALT, KEY_MULTIPLIER);
  let p = Math.imul(position + POSITION_OFFSET, POSITION_MULTIPLIER);
  for (let i = 0; i < length; i++) {
    out[offset + i] = tokenOf(k, p);
    p = (p + POSITION_MULTIPLIER) | 0;
  }
}

/** A fresh array of `length` synthetic tokens of content `key`. */
export function syntheticTokens(key: number, length: number): Int32Array {
  const out = new Int32Array(length);
  fillSyntheticTokens(out, 0, key, 0, length);
  return out;
}
