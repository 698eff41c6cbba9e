// A sparse log-linear histogram of non-negative integers (nanoseconds) with a relative error of at
// most 1/2048: memory bounded by the spread of values, not their count. Used for inter-token
// latencies, of which a long run has hundreds of millions. Values below 2048 are exact.

const EXACT_LIMIT = 2048;
const SUB_BUCKETS = 1024;

function bucketOf(value: number): number {
  if (value < EXACT_LIMIT) return value;
  // Below 2^32 (4.3 s) the exponent comes from clz32, much cheaper than log2.
  const exponent = value < 0x100000000 ? 31 - Math.clz32(value) : Math.floor(Math.log2(value));
  const scale = 2 ** (exponent - 10);
  const mantissa = Math.min(Math.floor(value / scale), 2 * SUB_BUCKETS - 1);
  return EXACT_LIMIT + (exponent - 11) * SUB_BUCKETS + (mantissa - SUB_BUCKETS);
}

function valueOf(bucket: number): number {
  if (bucket < EXACT_LIMIT) return bucket;
  const offset = bucket - EXACT_LIMIT;
  const exponent = Math.floor(offset / SUB_BUCKETS) + 11;
  const mantissa = (offset % SUB_BUCKETS) + SUB_BUCKETS;
  const scale = 2 ** (exponent - 10);
  return mantissa * scale + scale / 2;
}

export class LogHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;
  private sum = 0;
  private sumSquares = 0;

  record(value: number): void {
    const bucket = bucketOf(Math.max(0, Math.round(value)));
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total++;
    this.sum += value;
    this.sumSquares += value * value;
  }

  get count(): number {
    return this.total;
  }

  mean(): number {
    return this.total === 0 ? Number.NaN : this.sum / this.total;
  }

  std(): number {
    if (this.total === 0) return Number.NaN;
    const m = this.mean();
    return Math.sqrt(Math.max(0, this.sumSquares / this.total - m * m));
  }

  /** numpy-style linear percentile over the bucket representatives, p in [0, 100]. */
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
        lower = valueOf(bucket);
        if (lo + 1 < seen + c || lo + 1 >= this.total) return lower;
      } else if (!Number.isNaN(lower)) {
        return lower + (valueOf(bucket) - lower) * (rank - lo);
      }
      seen += c;
    }
    return lower;
  }
}
