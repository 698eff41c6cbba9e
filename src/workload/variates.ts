// Random variates drawn from one seeded stream (src/engine/random.ts). Each function consumes a
// fixed or data-independent pattern of draws where it can, so that a stream's later draws only
// depend on the parameters of the distribution that uses it, never on the wall clock or on other
// streams. Math.log/exp/cos are V8's fdlibm ports: the same bits on every machine for one Node version.
import type { RandomStream } from '../engine/random.js';

/** An exponential variate with mean 1 (`-log(1 - u)`, finite because u < 1). */
export function exponential(stream: RandomStream): number {
  return -Math.log1p(-stream.next());
}

/**
 * A standard normal variate by Box-Muller (two uniform draws per call; the second normal of the pair
 * is discarded so that every call consumes exactly two draws).
 */
export function standardNormal(stream: RandomStream): number {
  const u1 = stream.next();
  const u2 = stream.next();
  // 1 - u1 lies in (0, 1], so the logarithm is finite.
  const radius = Math.sqrt(-2 * Math.log1p(-u1));
  return radius * Math.cos(2 * Math.PI * u2);
}

/**
 * A gamma variate with the given shape and scale 1 (Marsaglia and Tsang, 2000). For shape < 1 it
 * draws Gamma(shape + 1) and multiplies by U^(1/shape), the "boost" from the same paper.
 */
export function gammaVariate(shape: number, stream: RandomStream): number {
  if (shape < 1) {
    const boosted = gammaVariate(shape + 1, stream);
    const u = 1 - stream.next(); // (0, 1]
    return boosted * Math.exp(Math.log(u) / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(stream);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - stream.next(); // (0, 1]
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v; // the squeeze: avoids the logarithms most of the time
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Picks one of `values` with probability proportional to `weights` (equal weights when omitted).
 * One draw per pick. Values of weight 0 are never picked.
 */
export function makeWeightedPicker<T>(
  values: readonly T[],
  weights: readonly number[] | undefined,
  stream: RandomStream,
): () => T {
  if (values.length === 0) throw new RangeError('makeWeightedPicker: no values');
  if (weights === undefined) {
    const n = values.length;
    return () => values[Math.min(n - 1, Math.floor(stream.next() * n))]!;
  }
  if (weights.length !== values.length) {
    throw new RangeError('makeWeightedPicker: weights and values differ in length');
  }
  const cumulative: number[] = [];
  let total = 0;
  let lastPositive = -1;
  weights.forEach((weight, i) => {
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`makeWeightedPicker: bad weight ${weight}`);
    total += weight;
    cumulative.push(total);
    if (weight > 0) lastPositive = i;
  });
  if (lastPositive < 0) throw new RangeError('makeWeightedPicker: weights sum to 0');
  return () => {
    const x = stream.next() * total;
    // The first index whose cumulative weight exceeds x; zero-weight entries never qualify.
    let lo = 0;
    let hi = lastPositive;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return values[lo]!;
  };
}
