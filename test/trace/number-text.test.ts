// numberText is a faster String() for the seconds values of trace events; it must write exactly the
// same text for every finite number, on its fast path (integer ns / 1e9) and off it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberText } from '../../src/trace/number-text.js';

describe('numberText', () => {
  it('writes String(value) for virtual times in seconds (integer ns / 1e9) of every magnitude', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.double({ min: 0, max: 1, noNaN: true }), (decade, fraction) => {
        const ns = Math.floor(fraction * 10 ** decade);
        for (const value of [ns / 1e9, -ns / 1e9, ns / 1e6, ns / 1e3]) expect(numberText(value)).toBe(String(value));
      }),
      { seed: 11, numRuns: 20_000 },
    );
  });

  it('writes String(value) for any other double, and at the fast path edges', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(numberText(value)).toBe(String(value));
      }),
      { seed: 12, numRuns: 20_000 },
    );
    const edges = [0, -0, 1e-6, 1e-7, 999e-9, 1e-3, 0.1 + 0.2, 1, 1e6, 999_999.999_999_999, 1e15 / 1e9, 2 ** 53, 1e21, 5e-324];
    for (const value of edges) expect(numberText(value)).toBe(String(value));
    // Values the fast path takes: trailing zeros of the fraction dropped, leading zeros kept.
    expect(numberText(92_583_760 / 1e9)).toBe('0.09258376');
    expect(numberText(2_513_000_000_001 / 1e9)).toBe('2513.000000001');
    expect(numberText(7_000_000_000 / 1e9)).toBe('7');
  });
});
