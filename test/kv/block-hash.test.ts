// hashBlock (spec B.2): only equality of hashes matters, so what must hold is that different
// (parent, tokens, extra) never collide in practice and that the bits the prefix-cache table uses
// are well mixed. Checked on structured inputs, the kind most likely to expose a weak mix: constant
// blocks, one-token and one-bit changes, short and empty blocks, chains, and parents one bit apart.
import { describe, expect, it } from 'vitest';
import { hashBlock, NONE_HASH } from '../../src/kv/block-hash.js';

const B = 16;
const TWO_POW_21 = 2 ** 21;

/** A deterministic xorshift32 stream of token-like ids. */
function tokenStream(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 1) | 0;
  };
}

/** ~170k hashes of distinct structured inputs. */
function structuredHashes(): number[] {
  const out: number[] = [];
  const block = new Int32Array(B);
  // Constant blocks [t] * 16.
  for (let t = 0; t < 20000; t++) out.push(hashBlock(NONE_HASH, block.fill(t), 0, B));
  // One token of a random block changed to each of 0..2999, at every position.
  const next = tokenStream(12345);
  const base = Int32Array.from({ length: B }, next);
  for (let p = 0; p < B; p++) {
    for (let v = 0; v < 3000; v++) {
      if (v === base[p]) continue;
      const changed = base.slice();
      changed[p] = v;
      out.push(hashBlock(NONE_HASH, changed, 0, B));
    }
  }
  // One bit of one token flipped, every bit at every position; then the same with bits in two
  // adjacent tokens (the shape of a differential that cancels in a weak mix).
  for (let p = 0; p < B; p++) {
    for (let bit = 0; bit < 32; bit++) {
      const flipped = base.slice();
      flipped[p] = flipped[p]! ^ (1 << bit);
      out.push(hashBlock(NONE_HASH, flipped, 0, B));
      if (p + 1 < B) {
        for (let bit2 = 0; bit2 < 32; bit2++) {
          const both = flipped.slice();
          both[p + 1] = both[p + 1]! ^ (1 << bit2);
          out.push(hashBlock(NONE_HASH, both, 0, B));
        }
      }
    }
  }
  // Zero blocks of every length from 0 to 64 but 16 (a constant block above): each a prefix of the next.
  for (let n = 0; n <= 64; n++) if (n !== B) out.push(hashBlock(NONE_HASH, new Int32Array(n), 0, n));
  // Extra keys 1..4999 on the same block (0 is the plain block, already above).
  for (let extra = 1; extra < 5000; extra++) out.push(hashBlock(NONE_HASH, base, 0, B, extra));
  // Parents one bit apart, same tokens.
  const parent = hashBlock(NONE_HASH, base, 0, B);
  for (let bit = 0; bit < 53; bit++) {
    const flippedParent = Math.floor(parent / 2 ** bit) % 2 === 0 ? parent + 2 ** bit : parent - 2 ** bit;
    out.push(hashBlock(flippedParent, base, 0, B));
  }
  // Long chains of random content, and of all-zero blocks (only the parent differs).
  let chained = NONE_HASH;
  const tokens = Int32Array.from({ length: 60000 * B }, next);
  for (let j = 0; j < 60000; j++) out.push((chained = hashBlock(chained, tokens, j * B, (j + 1) * B)));
  chained = 12345; // not NONE_HASH, whose zero block is a constant block above
  for (let j = 0; j < 20000; j++) out.push((chained = hashBlock(chained, new Int32Array(B), 0, B)));
  return out;
}

function collidingPairs(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let pairs = 0;
  for (const c of counts.values()) pairs += (c * (c - 1)) / 2;
  return pairs;
}

describe('hashBlock', () => {
  const hashes = structuredHashes();

  it('is a pure function of (parent, tokens[start, end), extra), whatever the array type', () => {
    const tokens = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
    const a = hashBlock(NONE_HASH, tokens, 1, 17);
    expect(hashBlock(NONE_HASH, Int32Array.from(tokens), 1, 17)).toBe(a);
    expect(hashBlock(NONE_HASH, tokens.slice(1, 17), 0, 16)).toBe(a);
    expect(hashBlock(NONE_HASH, tokens, 1, 17, 0)).toBe(a);
    expect(hashBlock(NONE_HASH, tokens, 1, 17, 1)).not.toBe(a);
    expect(hashBlock(a, tokens, 1, 17)).not.toBe(a);
  });

  it('gives integers in [0, 2^53)', () => {
    for (const h of hashes) {
      if (!Number.isSafeInteger(h) || h < 0) expect.fail(`hash ${h} is not a non-negative safe integer`);
    }
  });

  it('never collides on ~170k structured inputs', () => {
    expect(hashes.length).toBeGreaterThan(160_000);
    expect(collidingPairs(hashes)).toBe(0);
  });

  it('sets each of its 53 bits about half the time', () => {
    for (let bit = 0; bit < 53; bit++) {
      let ones = 0;
      for (const h of hashes) if (Math.floor(h / 2 ** bit) % 2 === 1) ones++;
      // 5 standard deviations of a fair coin is under 0.006 here.
      expect(Math.abs(ones / hashes.length - 0.5), `bit ${bit}`).toBeLessThan(0.01);
    }
  });

  it('collides in each half only as often as a random function would (independent lanes)', () => {
    const n = hashes.length;
    const pairs = (n * (n - 1)) / 2;
    // Low 21 bits (the second lane; the prefix-cache table's home slot comes from here).
    const low = collidingPairs(hashes.map((h) => h % TWO_POW_21));
    const expectedLow = pairs / TWO_POW_21;
    expect(Math.abs(low - expectedLow)).toBeLessThan(6 * Math.sqrt(expectedLow));
    // High 32 bits (the first lane): about n^2 / 2^33, a handful.
    const high = collidingPairs(hashes.map((h) => Math.floor(h / TWO_POW_21)));
    expect(high).toBeLessThan(pairs / 2 ** 32 + 6 * Math.sqrt(pairs / 2 ** 32) + 1);
  });
});
