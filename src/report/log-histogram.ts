// A sparse log-linear histogram of non-negative integers (nanoseconds) with a relative error of at
// most 1/2048: memory bounded by the spread of values, not their count. Used for inter-token
// latencies, of which a long run has hundreds of millions. Values below 2048 are exact.

const EXACT_LIMIT = 2048;
const SUB_BUCKETS = 1024;

function bucketOf(value: number): number {
  if (value < EXACT_LIMIT) return value;
  if (value < 0x100000000) {
    // Below 2^32 (4.3 s) integer ops suffice: clz32 gives the exponent and a shift the mantissa
    // (value is a non-negative integer, so value >>> s is floor(value / 2^s)).
    const exponent = 31 - Math.clz32(value);
    const mantissa = value >>> (exponent - 10);
    return EXACT_LIMIT + (exponent - 11) * SUB_BUCKETS + (mantissa - SUB_BUCKETS);
  }
  const exponent = Math.floor(Math.log2(value));
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
  /**
   * Count per bucket, dense up to the highest bucket seen (grown by doubling): a lookup is an array
   * index, not a Map probe. Buckets are log-spaced, so even nanosecond values up to 2^53 need only
   * ~45k of them; typical latencies stay under 16k (128 KiB).
   */
  private counts = new Float64Array(0);
  private total = 0;
  private sum = 0;
  private sumSquares = 0;

  record(value: number): void {
    this.recordRun(value, 1);
  }

  /**
   * Records `value` `count` times. The sums are still accumulated one value at a time, so the mean
   * and std are bit-for-bit those of `count` separate record() calls (floating-point addition is
   * not associative once sums pass 2^53).
   */
  recordRun(value: number, count: number): void {
    const bucket = bucketOf(Math.max(0, Math.round(value)));
    if (bucket >= this.counts.length) this.grow(bucket);
    this.counts[bucket]! += count;
    this.total += count;
    const square = value * value;
    for (let i = 0; i < count; i++) {
      this.sum += value;
      this.sumSquares += square;
    }
  }

  private grow(bucket: number): void {
    let size = Math.max(this.counts.length, 1024);
    while (size <= bucket) size *= 2;
    const grown = new Float64Array(size);
    grown.set(this.counts);
    this.counts = grown;
  }

  get count(): number {
    return this.total;
  }

  /** Float64 slots in the bucket array: this histogram's memory, at 8 bytes a slot. */
  get bucketSlots(): number {
    return this.counts.length;
  }

  /** An independent copy with the same buckets and sums. */
  clone(): LogHistogram {
    const copy = new LogHistogram();
    copy.counts = this.counts.slice();
    copy.total = this.total;
    copy.sum = this.sum;
    copy.sumSquares = this.sumSquares;
    return copy;
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
    let seen = 0;
    let lower = Number.NaN;
    for (let bucket = 0; bucket < this.counts.length; bucket++) {
      const c = this.counts[bucket]!;
      if (c === 0) continue;
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
