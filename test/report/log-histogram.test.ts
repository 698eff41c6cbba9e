// The ITL histogram's fast paths (integer bucketing, dense counts, run-length recording) must give
// exactly the figures of the original Map-based, one-value-at-a-time histogram.
import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../../src/report/log-histogram.js';

/** The original implementation, kept as the reference. */
class ReferenceHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private sum = 0;
  private sumSquares = 0;

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
    const bucket = ReferenceHistogram.bucketOf(Math.max(0, Math.round(value)));
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total++;
    this.sum += value;
    this.sumSquares += value * value;
  }

  mean(): number {
    return this.total === 0 ? Number.NaN : this.sum / this.total;
  }

  std(): number {
    if (this.total === 0) return Number.NaN;
    const m = this.mean();
    return Math.sqrt(Math.max(0, this.sumSquares / this.total - m * m));
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

  it('is empty before any record', () => {
    const h = new LogHistogram();
    expect(h.count).toBe(0);
    expect(h.mean()).toBeNaN();
    expect(h.percentile(50)).toBeNaN();
  });
});
