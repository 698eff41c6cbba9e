// Token arrays carved from shared slabs must behave as separate zero-filled arrays.
import { describe, expect, it } from 'vitest';
import { newInt32Array } from '../../src/engine/int32-slab.js';

describe('newInt32Array', () => {
  it('gives zero-filled arrays of the asked length that never overlap', () => {
    const arrays = [3, 1000, 17, 2048, 1, 999].map((length) => newInt32Array(length));
    arrays.forEach((array, i) => {
      expect(array.every((x) => x === 0)).toBe(true);
      array.fill(i + 1);
    });
    arrays.forEach((array, i) => {
      expect(array.length).toBe([3, 1000, 17, 2048, 1, 999][i]);
      expect(array.every((x) => x === i + 1)).toBe(true);
    });
  });

  it('shares a slab between small arrays and gives large ones their own buffer', () => {
    const a = newInt32Array(16);
    const b = newInt32Array(16);
    const big = newInt32Array(100_000);
    expect(a.buffer === b.buffer || b.byteOffset === 0).toBe(true); // b starts a new slab only if a filled one
    expect(big.buffer.byteLength).toBe(400_000);
    expect(big.byteOffset).toBe(0);
  });

  it('keeps handing out valid arrays across many slabs', () => {
    const kept = Array.from({ length: 200 }, (_, i) => newInt32Array(1000 + i));
    kept.forEach((array, i) => array.fill(i));
    kept.forEach((array, i) => expect(array[0] === i && array[array.length - 1] === i && array.length === 1000 + i).toBe(true));
  });
});
