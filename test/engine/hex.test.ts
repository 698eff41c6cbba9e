import { describe, expect, it } from 'vitest';
import { hex32 } from '../../src/engine/hex.js';

describe('hex32', () => {
  it('writes exactly 8 lowercase digits, as toString(16) padded would', () => {
    const values = [0, 1, 0xf, 0x10, 0xff, 0x100, 0xabcdef, 0x7fffffff, 0x80000000, 0xdeadbeef, 0xffffffff];
    for (let v = 1; v < 2 ** 32; v = v * 3 + 7) values.push(v >>> 0);
    for (const value of values) expect(hex32(value)).toBe(value.toString(16).padStart(8, '0'));
  });
});
