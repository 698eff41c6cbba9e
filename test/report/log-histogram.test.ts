// The ITL histogram's fast paths (integer bucketing, dense counts, run-length recording, sums in
// doubles) must give exactly the figures of a Map-based, one-value-at-a-time histogram with BigInt
// sums.
import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../../src/report/log-histogram.js';

/** The original implementation with BigInt sums, kept as the reference. */
class ReferenceHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private sum = 0n;
  private sumSquares = 0n;

  private static bucketOf(value: number): number {
    if (value < 2048) return value;
    const exponent = value < 0x100000000 ? 31 - Math.clz32(value) : Math.floor(Math.log2(value));
    const scale = 2 ** (exponent - 10);
    const mantissa = Math.min(Math.floor(value / scale), 2047);
    return 2048 + (exponent - 11) * 1024 + (mantissa - 1024);
  }

  private static valueOf(bucket: number): number {
    if (bucket < 2048) return bucket;
    const offset = bucket - 2048;
    const exponent = Math.floor(offset / 1024) + 11;
    const mantissa = (offset % 1024) + 1024;
    const scale = 2 ** (exponent - 10);
    return mantissa * scale + scale / 2;
  }

  record(value: number): void {
    this.recordTimes(value, 1);
  }

  get count(): number {
    return this.total;
  }

  clone(): ReferenceHistogram {
    const copy = new ReferenceHistogram();
    for (const [bucket, count] of this.counts) copy.counts.set(bucket, count);
    copy.total = this.total;
    copy.sum = this.sum;
    copy.sumSquares = this.sumSquares;
    return copy;
  }

  /** `count` records of `value`, by BigInt multiplication. */
  recordTimes(value: number, count: number): void {
    const bucket = ReferenceHistogram.bucketOf(Math.max(0, Math.round(value)));
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
    this.total += count;
    const v = BigInt(Math.max(0, Math.round(value)));
    this.sum += v * BigInt(count);
    this.sumSquares += v * v * BigInt(count);
  }

  mean(): number {
    return this.total === 0 ? Number.NaN : Number(this.sum) / this.total;
  }

  std(): number {
    if (this.total === 0) return Number.NaN;
    const n = BigInt(this.total);
    return Math.sqrt(Number(n * this.sumSquares - this.sum * this.sum) / Number(n * n));
  }

  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = (p / 100) * (this.total - 1);
    const lo = Math.floor(rank);
    const buckets = [...this.counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    let lower = Number.NaN;
    for (const bucket of buckets) {
      const c = this.counts.get(bucket)!;
      if (Number.isNaN(lower) && lo < seen + c) {
        lower = ReferenceHistogram.valueOf(bucket);
        if (lo + 1 < seen + c || lo + 1 >= this.total) return lower;
      } else if (!Number.isNaN(lower)) {
        return lower + (ReferenceHistogram.valueOf(bucket) - lower) * (rank - lo);
      }
      seen += c;
    }
    return lower;
  }
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 100];

function expectSame(h: LogHistogram, ref: ReferenceHistogram): void {
  expect(h.mean()).toBe(ref.mean());
  expect(h.std()).toBe(ref.std());
  for (const p of PERCENTILES) expect(h.percentile(p)).toBe(ref.percentile(p));
}

describe('LogHistogram', () => {
  it('matches the reference bucketing over the whole range of values', () => {
    const random = lcg(7);
    const h = new LogHistogram();
    const ref = new ReferenceHistogram();
    const edges = [0, 1, 2047, 2048, 2049, 4095, 4096, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, 2 ** 52];
    for (const v of edges) {
      h.record(v);
      ref.record(v);
    }
    for (let i = 0; i < 20000; i++) {
      const v = Math.floor(2 ** (random() * 45));
      h.record(v);
      ref.record(v);
    }
    expectSame(h, ref);
  });

  it('recordRun(v, n) is n record(v) calls, bit for bit', () => {
    const random = lcg(11);
    const h = new LogHistogram();
    const ref = new ReferenceHistogram();
    for (let i = 0; i < 2000; i++) {
      const v = 4_000_000 + Math.floor(random() * 9_000_000);
      const n = 1 + Math.floor(random() * 120);
      h.recordRun(v, n);
      for (let k = 0; k < n; k++) ref.record(v);
    }
    expectSame(h, ref);
  });

  it('adds consecutive records of one value as one run, read at any point and cloned with it pending', () => {
    // A step's gaps are mostly one value: runs of repeats, other values between, reads between.
    const random = lcg(23);
    const h = new LogHistogram();
    const ref = new ReferenceHistogram();
    let value = 14_000_000;
    let clone: { h: LogHistogram; ref: ReferenceHistogram; countThen: number } | undefined;
    for (let i = 0; i < 5000; i++) {
      if (random() < 0.3) value = 13_000_000 + Math.floor(random() * 3_000_000);
      const count = Math.floor(random() * 4); // runs of none too
      h.recordRun(value, count);
      // (The reference would keep an empty bucket for a run of none.)
      if (count > 0) ref.recordTimes(value, count);
      // Each reader, at times the first one after a record.
      if (i % 211 === 0) expect(h.percentile(90)).toBe(ref.percentile(90));
      if (i % 131 === 0) expect(h.std()).toBe(ref.std());
      if (i % 113 === 0) expect(h.mean()).toBe(ref.mean());
      if (i % 97 === 0) expect(h.count).toBe(ref.count);
      if (i % 499 === 0) expectSame(h, ref);
      if (i === 2500) {
        // Cloned right after a record (so with a run pending): the copy has it, and goes on alone.
        clone = { h: h.clone(), ref: ref.clone(), countThen: ref.count };
        clone.h.recordRun(value, 5);
        clone.ref.recordTimes(value, 5);
      }
    }
    expectSame(h, ref);
    expectSame(clone!.h, clone!.ref);
    expect(clone!.h.count).toBe(clone!.countThen + 5);
    expect(h.count).toBe(ref.count);
  });

  it('gives the same mean and std in any order of recording, and the exact std', () => {
    const random = lcg(5);
    const values = Array.from({ length: 30000 }, () => 14_000_000 + Math.floor(random() * 2_000_000));
    const forward = new LogHistogram();
    const backward = new LogHistogram();
    for (const v of values) forward.record(v);
    for (const v of [...values].reverse()) backward.record(v);
    expect(backward.mean()).toBe(forward.mean());
    expect(backward.std()).toBe(forward.std());
    // 2, 4, 4, 4, 5, 5, 7, 9 (+ 10^8 each): mean 10^8 + 5, population std exactly 2. Summing
    // squares of ~10^8 in doubles (past 2^53) and subtracting mean^2 would not give 2.
    const small = new LogHistogram();
    for (const v of [2, 4, 4, 4, 5, 5, 7, 9]) small.record(1e8 + v);
    expect(small.mean()).toBe(1e8 + 5);
    expect(small.std()).toBe(2);
  });

  it('keeps sums exact past 2^53 and for values past 2^32', () => {
    const h = new LogHistogram();
    const ref = new ReferenceHistogram();
    for (let i = 0; i < 600; i++) {
      const v = i % 3 === 0 ? 2 ** 40 + i : 3_000_000_000 + i;
      h.recordRun(v, 1 + (i % 7));
      for (let k = 0; k < 1 + (i % 7); k++) ref.record(v);
    }
    h.recordRun((2 ** 34 + 12345) * 65536 + 777, 3); // a value too large for the limbs' doubles
    ref.recordTimes((2 ** 34 + 12345) * 65536 + 777, 3);
    h.recordRun(5, 2 ** 21); // a count too large for them
    ref.recordTimes(5, 2 ** 21);
    for (let i = 0; i < 5; i++) {
      // Each adds about 2^52 to the high limb: its double sum must be folded before it passes 2^53.
      h.recordRun(2 ** 32 - 1 - i, 2 ** 20 - 1);
      ref.recordTimes(2 ** 32 - 1 - i, 2 ** 20 - 1);
    }
    expectSame(h, ref);
  });

  it('gives a std of exactly 0 for equal values, however large the values and counts', () => {
    for (const [value, count] of [
      [(2 ** 34 + 12345) * 65536 + 777, 3],
      [2 ** 32 - 7, 2 ** 20 - 1],
      [15_013_579, 2 ** 22],
    ] as const) {
      const h = new LogHistogram();
      for (let i = 0; i < 5; i++) h.recordRun(value, count);
      expect(h.mean()).toBe(value);
      expect(h.std()).toBe(0);
    }
  });

  it('starts its percentiles at the lowest bucket recorded, whenever that came', () => {
    const h = new LogHistogram();
    const ref = new ReferenceHistogram();
    for (const [value, count] of [[5e7, 3], [2e7, 0], [3e7, 2], [1e6, 1], [4e7, 5]] as const) {
      h.recordRun(value, count);
      // (A run of none records nothing; the reference would keep an empty bucket.)
      if (count > 0) ref.recordTimes(value, count);
      expectSame(h, ref);
    }
    expect(h.percentile(0)).toBe(ref.percentile(0));
    expect(h.percentile(0)).toBeLessThan(1.001e6);
  });

  it('counts the bucket slots of the last value recorded too', () => {
    const h = new LogHistogram();
    expect(h.bucketSlots).toBe(0);
    h.record(2 ** 40); // bucket 2048 + 29 * 1024: the array grows past 31,000 slots
    expect(h.bucketSlots).toBeGreaterThan(2048 + 29 * 1024);
  });

  it('is empty before any record', () => {
    const h = new LogHistogram();
    expect(h.count).toBe(0);
    expect(h.mean()).toBeNaN();
    expect(h.percentile(50)).toBeNaN();
  });
});
