// Synthetic token ids. A workload rarely knows real token ids, but the prefix cache hashes token
// contents, so simtrace synthesizes them: the same (content key, position) always gives the same
// id, and different keys give independent pseudo-random ids in [FIRST_SYNTHETIC_TOKEN, 2^31).
// Two different 16-token blocks agree by chance with probability about 2^-496: never, in practice.

/** Ids below this are reserved (EOS and friends); synthetic ids never fall there. */
export const FIRST_SYNTHETIC_TOKEN = 1000;

const SYNTHETIC_RANGE = 0x7fffffff - FIRST_SYNTHETIC_TOKEN;

/** The token id at `position` of the content identified by `key` (a 32-bit integer). */
export function syntheticToken(key: number, position: number): number {
  let h = Math.imul(key ^ 0x2c1b3c6d, 0x297a2d39) ^ Math.imul(position + 0x6b43a9b5, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return FIRST_SYNTHETIC_TOKEN + ((h >>> 0) % SYNTHETIC_RANGE);
}
