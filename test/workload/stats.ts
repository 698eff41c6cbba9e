// Small statistics helpers for the workload tests.

export function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Sample standard deviation (n - 1 denominator). */
export function stddev(xs: readonly number[]): number {
  const m = mean(xs);
  let sum = 0;
  for (const x of xs) sum += (x - m) ** 2;
  return Math.sqrt(sum / (xs.length - 1));
}

export function draw(n: number, sample: () => number): number[] {
  return Array.from({ length: n }, sample);
}

/** Relative error |actual - expected| / expected. */
export function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / expected;
}
