// hrTimeToDecimal remembers the last seconds' text: it must stay exact whatever order times come in.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { HrTime } from '@opentelemetry/api';
import { hrTimeToDecimal } from '../../src/trace/virtual-clock.js';

const exact = ([seconds, nanos]: HrTime): string => (BigInt(seconds) * 1_000_000_000n + BigInt(nanos)).toString();

describe('hrTimeToDecimal', () => {
  it('matches BigInt arithmetic for any sequence of times, repeated seconds or not', () => {
    const seconds = fc.oneof(fc.constantFrom(0, 1, 1_767_225_600, 1_767_225_601), fc.integer({ min: 0, max: 4_000_000_000 }));
    const nanos = fc.oneof(fc.constantFrom(0, 1, 9, 10, 99_999_999, 100_000_000, 999_999_999), fc.integer({ min: 0, max: 999_999_999 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(seconds, nanos), { minLength: 1, maxLength: 20 }), (times) => {
        for (const time of times) expect(hrTimeToDecimal(time)).toBe(exact(time));
      }),
      { numRuns: 500, seed: 20260101 },
    );
  });
});
