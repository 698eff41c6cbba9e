// One latency metric's values (ns, >= 0) in memory that does not grow with the run's length.
//
// The first EXACT_CAP values are kept as they are, so that runs of up to that many completed
// requests report bit-for-bit the exact statistics (numpy-style percentiles of the sorted values,
// mean and population std summed over them in sorted order). The value after that folds them all
// into a LogHistogram (relative error <= 1/2048) plus compensated sums for the mean and std, and
// every later value goes there too: from then on a metric costs at most the histogram's buckets.
import { LogHistogram } from './log-histogram.js';
import { mean, percentileOfSorted, std } from './percentile.js';

/**
 * 2^16 values (512 KiB) per metric. That is about what the histogram itself costs at worst (its
 * dense bucket array doubles to 32-64k slots for nanosecond values spanning seconds to hours), so
 * staying exact never costs more than an order of magnitude over the bounded form, and it keeps
 * every run up to 65,536 completed requests (the tests' goldens, the 50k benchmark, most sweeps)
 * byte-identical to the exact computation. Sorting 65k values at the end takes a few ms.
 */
export const EXACT_CAP = 1 << 16;

/** What the summary needs of a metric: count, mean, population std, numpy-linear percentiles. */
export interface Distribution {
  readonly count: number;
  mean(): number;
  std(): number;
  /** p in [0, 100]. */
  percentile(p: number): number;
}

/**
 * A running sum with Neumaier's compensation: the rounding error of each addition is kept in
 * `carry`, so a million additions lose no more than a few ulps of the total.
 */
class CompensatedSum {
  private sum = 0;
  private carry = 0;

  add(x: number): void {
    const t = this.sum + x;
    this.carry += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.carry;
  }

  clone(): CompensatedSum {
    const copy = new CompensatedSum();
    copy.sum = this.sum;
    copy.carry = this.carry;
    return copy;
  }
}

/** The bounded form: histogram for percentiles, shifted compensated sums for mean and std. */
class Folded implements Distribution {
  private n = 0;

  /**
   * Sums of deviations from `shift` (the mean of the exact values at folding time) rather than of
   * raw values: sum(d^2)/n - mean(d)^2 then cancels little, where sum(x^2)/n - mean^2 of values
   * around 1e10 ns would lose most digits of a small spread.
   */
  constructor(
    private readonly shift: number,
    readonly histogram = new LogHistogram(),
    private readonly deviations = new CompensatedSum(),
    private readonly squares = new CompensatedSum(),
  ) {}

  record(value: number): void {
    this.histogram.record(value);
    this.n++;
    const d = value - this.shift;
    this.deviations.add(d);
    this.squares.add(d * d);
  }

  get count(): number {
    return this.n;
  }

  mean(): number {
    return this.n === 0 ? Number.NaN : this.shift + this.deviations.value / this.n;
  }

  std(): number {
    if (this.n === 0) return Number.NaN;
    const meanDeviation = this.deviations.value / this.n;
    return Math.sqrt(Math.max(0, this.squares.value / this.n - meanDeviation * meanDeviation));
  }

  percentile(p: number): number {
    return this.histogram.percentile(p);
  }

  clone(): Folded {
    const copy = new Folded(this.shift, this.histogram.clone(), this.deviations.clone(), this.squares.clone());
    copy.n = this.n;
    return copy;
  }
}

/** The exact form: sorted once, then exactly what the summary has always computed. */
class Sorted implements Distribution {
  constructor(private readonly sorted: Float64Array) {}

  get count(): number {
    return this.sorted.length;
  }

  mean(): number {
    return mean(this.sorted);
  }

  std(): number {
    return std(this.sorted);
  }

  percentile(p: number): number {
    return percentileOfSorted(this.sorted, p);
  }
}

export class LatencySamples {
  /** Exact values while there are at most `cap`; a growable Float64Array (no boxing). */
  private exact: Float64Array | undefined = new Float64Array(1024);
  private exactLength = 0;
  private folded: Folded | undefined;

  /** `cap` is a parameter only so that tests can cross it cheaply. */
  constructor(private readonly cap = EXACT_CAP) {}

  push(value: number): void {
    if (!(value >= 0)) throw new Error(`internal: a latency of ${value} ns`);
    if (this.folded !== undefined) {
      this.folded.record(value);
      return;
    }
    let exact = this.exact!;
    if (this.exactLength === this.cap) {
      this.fold(exact);
      this.folded!.record(value);
      return;
    }
    if (this.exactLength === exact.length) {
      exact = new Float64Array(Math.min(exact.length * 2, this.cap));
      exact.set(this.exact!);
      this.exact = exact;
    }
    // (+ 0 turns a -0 into 0: distribution() sorts the values by their bits.)
    exact[this.exactLength++] = value + 0;
  }

  /** Moves the exact values into the bounded form and frees them. */
  private fold(exact: Float64Array): void {
    const values = exact.subarray(0, this.exactLength);
    const folded = new Folded(mean(values));
    for (const v of values) folded.record(v);
    this.folded = folded;
    this.exact = undefined;
    this.exactLength = 0;
  }

  get count(): number {
    return this.folded?.count ?? this.exactLength;
  }

  /** True while the statistics are exact (at most `cap` values so far). */
  get isExact(): boolean {
    return this.folded === undefined;
  }

  /**
   * Float64 slots held (exact values' buffer or histogram buckets): what bounds this metric's
   * memory, at about 8 bytes a slot.
   */
  get storageSlots(): number {
    return this.folded?.histogram.bucketSlots ?? this.exact!.length;
  }

  /** The statistics of everything pushed so far (a snapshot: later pushes do not change it). */
  distribution(): Distribution {
    if (this.folded !== undefined) return this.folded.clone();
    const values = this.exact!.slice(0, this.exactLength);
    // Non-negative doubles (push) order as their bit patterns do, read as unsigned 64-bit
    // integers: that sort is the same order, and ~40 % faster than Float64Array's, whose
    // comparison also places NaN and -0 (issue 9; the summary sorts four metrics' values).
    new BigUint64Array(values.buffer, values.byteOffset, values.length).sort();
    return new Sorted(values);
  }

  /** An independent copy with the same state: further pushes to either do not affect the other. */
  clone(): LatencySamples {
    const copy = new LatencySamples(this.cap);
    if (this.folded !== undefined) {
      copy.folded = this.folded.clone();
      copy.exact = undefined;
    } else {
      copy.exact = this.exact!.slice();
      copy.exactLength = this.exactLength;
    }
    return copy;
  }
}
