// Student t quantiles against published tables, and the confidence interval built from them.
import { describe, expect, it } from 'vitest';
import { estimate, studentTCdf, studentTQuantile } from '../../src/sweep/stats.js';

describe('studentTQuantile(0.975, df)', () => {
  // Two-sided 95 % critical values as printed in standard tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2).
  it.each([
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [4, 2.776],
    [5, 2.571],
    [9, 2.262],
    [19, 2.093],
    [29, 2.045],
    [100, 1.984],
  ])('df=%i is %f', (df, t) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
  });

  it('inverts the CDF and tends to the normal quantile', () => {
    expect(studentTCdf(studentTQuantile(0.9, 7), 7)).toBeCloseTo(0.9, 12);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.95996, 4);
  });
});

describe('estimate', () => {
  it('is the mean ± t·s/√n', () => {
    const e = estimate([10, 12, 14]);
    expect(e.mean).toBe(12);
    // s = 2, n = 3, t(0.975, 2) = 4.3027
    expect(e.ci95![0]).toBeCloseTo(12 - (4.302653 * 2) / Math.sqrt(3), 5);
    expect(e.ci95![1]).toBeCloseTo(12 + (4.302653 * 2) / Math.sqrt(3), 5);
  });

  it('has no interval for one sample and a zero-width one for equal samples', () => {
    expect(estimate([5])).toEqual({ mean: 5 });
    expect(estimate([5, 5, 5]).ci95).toEqual([5, 5]);
  });

  it('is NaN when a seed had no value (nothing completed)', () => {
    expect(estimate([1, Number.NaN]).mean).toBeNaN();
  });
});
