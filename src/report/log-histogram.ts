// A sparse log-linear histogram of non-negative integers (nanoseconds) with a relative error of at
// most 1/2048: memory bounded by the spread of values, not their count. Used for inter-token
// latencies, of which a long run has hundreds of millions. Values below 2048 are exact. The mean
// and std come from exact integer sums, so they do not depend on the order values arrive in
// (the simulator records a step's steady outputs as one count: frontend.ts).

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

/** Limb size of ExactSquares, and the bound below which integers are exact doubles. */
const LIMB = 65536;
const EXACT_BELOW = 2 ** 53;
const BIG_EXACT_BELOW = 2n ** 53n;

/**
 * An exact sum of non-negative integers, in doubles: carries * 2^53 + low, low in [0, 2^53), plus a
 * BigInt for terms of 2^53 or more (addBig). Nearly every addition is a few floating-point
 * operations.
 */
class ExactSum {
  private low = 0;
  private carries = 0;
  private big = 0n;

  /** Add `x`, an integer in [0, 2^53). */
  add(x: number): void {
    // Without a branch: the carry comes once in millions of additions, and a branch that optimized
    // code has never seen taken undoes that code when it first is (issue 9). Every step is exact:
    // room is in (0, 2^53]; x - room is an integer of magnitude below 2^53; adding 2^53 back when
    // there is no carry gives low + x, an integer below 2^53; with a carry, low + x - 2^53.
    const room = EXACT_BELOW - this.low;
    const carry = x >= room ? 1 : 0;
    this.carries += carry;
    this.low = x - room + (1 - carry) * EXACT_BELOW;
  }

  addBig(x: bigint): void {
    this.big += x;
  }

  get value(): bigint {
    return this.big + BigInt(this.carries) * BIG_EXACT_BELOW + BigInt(this.low);
  }

  copyFrom(other: ExactSum): void {
    this.low = other.low;
    this.carries = other.carries;
    this.big = other.big;
  }
}

/**
 * The exact sum of squares of integers, each value v < 2^32 split as h * 2^16 + l so that
 * v^2 * count = (h^2 * 2^32 + 2hl * 2^16 + l^2) * count has terms that are exact doubles for
 * counts below 2^20; larger values or counts go through BigInt.
 */
class ExactSquares {
  private readonly high = new ExactSum(); // units of 2^32
  private readonly middle = new ExactSum(); // units of 2^16
  private readonly low = new ExactSum();

  add(value: number, count: number): void {
    if (value < 0x100000000 && count < 0x100000) {
      const l = value % LIMB;
      const h = (value - l) / LIMB;
      this.high.add(h * h * count);
      this.middle.add(2 * h * l * count);
      this.low.add(l * l * count);
    } else {
      const v = BigInt(value);
      this.low.addBig(v * v * BigInt(count));
    }
  }

  get value(): bigint {
    return (this.high.value << 32n) + (this.middle.value << 16n) + this.low.value;
  }

  copyFrom(other: ExactSquares): void {
    this.high.copyFrom(other.high);
    this.middle.copyFrom(other.middle);
    this.low.copyFrom(other.low);
  }
}

export class LogHistogram {
  /**
   * Count per bucket, dense up to the highest bucket seen (grown by doubling): a lookup is an array
   * index, not a Map probe. Buckets are log-spaced, so even nanosecond values up to 2^53 need only
   * ~45k of them; typical latencies stay under 16k (128 KiB).
   */
  private counts = new Float64Array(0);
  /**
   * At or below the lowest bucket with a count (meaningless while there is none): percentiles start
   * there. Latencies fill a narrow band of buckets high up the array, and a scan from bucket 0
   * crossed tens of thousands of empty ones for each percentile of the summary (issue 9).
   */
  private lowest = 0;
  private total = 0;
  private readonly sum = new ExactSum();
  private readonly sumSquares = new ExactSquares();
  /**
   * A run of one value not yet added (count 0: none). Consecutive records of one value are added
   * as one run: a step's inter-token gaps are mostly one value (the time since the previous
   * delivery, for its steady outputs and its listed ones alike), and adding to the buckets and the
   * exact sums costs more than comparing (issue 9). Every reader adds the run first; the sums are
   * exact, so adding (v, a) then (v, b) or (v, a + b) gives the same state.
   */
  private runValue = 0;
  private runCount = 0;

  /** Records `value`, rounded to an integer (negative values count as 0). */
  record(value: number): void {
    this.recordRun(value, 1);
  }

  /** Records `value` `count` times: exactly the same as `count` record() calls, in O(1). */
  recordRun(value: number, count: number): void {
    const v = Math.max(0, Math.round(value));
    if (!Number.isSafeInteger(v) || !Number.isSafeInteger(count) || count < 0) {
      throw new Error(`internal: LogHistogram records safe integers, got ${value} x ${count}`);
    }
    if (v === this.runValue) {
      this.runCount += count;
      return;
    }
    this.addRun();
    this.runValue = v;
    this.runCount = count;
  }

  /** Adds the pending run to the buckets and sums. */
  private addRun(): void {
    const count = this.runCount;
    if (count === 0) return;
    this.runCount = 0;
    const v = this.runValue;
    if (!Number.isSafeInteger(count)) throw new Error(`internal: LogHistogram run of ${count} values`);
    const bucket = bucketOf(v);
    if (bucket >= this.counts.length) this.grow(bucket);
    if (bucket < this.lowest || this.total === 0) this.lowest = bucket;
    this.counts[bucket]! += count;
    this.total += count;
    if (v * count < 2 ** 53) this.sum.add(v * count);
    else this.sum.addBig(BigInt(v) * BigInt(count));
    this.sumSquares.add(v, count);
  }

  private grow(bucket: number): void {
    let size = Math.max(this.counts.length, 1024);
    while (size <= bucket) size *= 2;
    const grown = new Float64Array(size);
    grown.set(this.counts);
    this.counts = grown;
  }

  get count(): number {
    this.addRun();
    return this.total;
  }

  /** Float64 slots in the bucket array: this histogram's memory, at 8 bytes a slot. */
  get bucketSlots(): number {
    this.addRun();
    return this.counts.length;
  }

  /** An independent copy with the same buckets and sums. */
  clone(): LogHistogram {
    this.addRun();
    const copy = new LogHistogram();
    copy.counts = this.counts.slice();
    copy.lowest = this.lowest;
    copy.total = this.total;
    copy.sum.copyFrom(this.sum);
    copy.sumSquares.copyFrom(this.sumSquares);
    return copy;
  }

  mean(): number {
    this.addRun();
    return this.total === 0 ? Number.NaN : Number(this.sum.value) / this.total;
  }

  /**
   * Population std from the exact sums: n^2 var = n * sum(v^2) - sum(v)^2 is computed exactly
   * (no cancellation), then rounded once.
   */
  std(): number {
    this.addRun();
    if (this.total === 0) return Number.NaN;
    const n = BigInt(this.total);
    const sum = this.sum.value;
    const scaledVariance = n * this.sumSquares.value - sum * sum;
    return Math.sqrt(Number(scaledVariance) / Number(n * n));
  }

  /** numpy-style linear percentile over the bucket representatives, p in [0, 100]. */
  percentile(p: number): number {
    this.addRun();
    if (this.total === 0) return Number.NaN;
    const rank = (p / 100) * (this.total - 1);
    const lo = Math.floor(rank);
    let seen = 0;
    let lower = Number.NaN;
    for (let bucket = this.lowest; bucket < this.counts.length; bucket++) {
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
