import { describe, expect, it } from 'vitest';
import { derivedStream } from '../../src/engine/random.js';
import { NS_PER_S, secondsToNs } from '../../src/engine/time.js';
import { arrivalProcess, makeArrivalTimes } from '../../src/workload/arrivals.js';
import { draw, mean, relativeError, stddev } from './stats.js';

// Rate tolerances: the time of the N-th arrival of a renewal process is a sum of N i.i.d. gaps, so
// the measured mean gap has relative standard error cv/sqrt(N) (0.71% for poisson at N = 20,000).
// A gap stddev estimate has relative se about sqrt((2 + excess kurtosis)/N)/2, where the gamma's
// excess kurtosis is 6 cv^2. Bounds are >= 5 standard errors: a correct process fails with
// probability < 1e-6 for a random seed (the seed is fixed, so the test is deterministic); a wrong
// scale or shape (e.g. using cv as the shape) misses by a factor, far beyond the bounds.

function times(config: unknown, rate: number, n: number, start = 0, name = 'arrivals'): number[] {
  const next = makeArrivalTimes(arrivalProcess.parse(config), rate, start, derivedStream(11, name));
  return draw(n, next);
}

function gapsSeconds(ts: readonly number[], start: number): number[] {
  return ts.map((t, i) => (t - (i === 0 ? secondsToNs(start) : ts[i - 1]!)) / NS_PER_S);
}

function isNonDecreasing(ts: readonly number[]): boolean {
  return ts.every((t, i) => i === 0 || t >= ts[i - 1]!);
}

describe('arrivalProcess schema', () => {
  it('normalises strings to objects', () => {
    expect(arrivalProcess.parse('poisson')).toEqual({ process: 'poisson' });
    expect(arrivalProcess.parse('constant')).toEqual({ process: 'constant' });
    expect(arrivalProcess.parse({ process: 'gamma', cv: 2 })).toEqual({ process: 'gamma', cv: 2 });
    expect(arrivalProcess.parse({ process: 'burst', size: 4 })).toEqual({ process: 'burst', size: 4 });
  });

  it.each([
    ['an unknown process', 'uniform'],
    ['gamma without cv', { process: 'gamma' }],
    ['gamma cv 0', { process: 'gamma', cv: 0 }],
    ['burst size 0', { process: 'burst', size: 0 }],
    ['burst size 1.5', { process: 'burst', size: 1.5 }],
    ['an unknown key', { process: 'poisson', rate: 3 }],
  ])('rejects %s', (_what, config) => {
    expect(arrivalProcess.safeParse(config).success).toBe(false);
  });
});

describe('makeArrivalTimes', () => {
  it('poisson: mean rate and cv 1 over 20,000 arrivals, first arrival one gap after start', () => {
    const n = 20_000;
    const ts = times('poisson', 10, n, 5);
    expect(ts.every(Number.isInteger)).toBe(true);
    expect(isNonDecreasing(ts)).toBe(true);
    expect(ts[0]).toBeGreaterThan(5 * NS_PER_S);
    const gaps = gapsSeconds(ts, 5);
    // se 0.71%: 5 se = 3.5%.
    expect(relativeError(n / ((ts[n - 1]! - 5 * NS_PER_S) / NS_PER_S), 10)).toBeLessThan(0.035);
    // Exponential excess kurtosis 6: se(sd)/sd = sqrt(8/N)/2 = 1%, plus 0.7% from the mean: 6%.
    expect(relativeError(stddev(gaps) / mean(gaps), 1)).toBeLessThan(0.06);
  });

  it('constant: exactly start + i/rate, no drift over a million arrivals', () => {
    const next = makeArrivalTimes({ process: 'constant' }, 3, 1.5, derivedStream(1, 'unused'));
    expect(next()).toBe(1.5 * NS_PER_S);
    expect(next()).toBe(secondsToNs(1.5 + 1 / 3));
    let wrong = 0;
    for (let i = 2; i < 1_000_000; i++) {
      const t = next();
      if (i % 3 === 0 && t !== (1.5 + i / 3) * NS_PER_S) wrong++;
    }
    expect(wrong).toBe(0);
    expect(next()).toBe(secondsToNs(1.5 + 1_000_000 / 3));
  });

  it.each([0.5, 1, 2])('gamma cv %s: mean rate and cv measured', (cv) => {
    // cv 2 is shape 0.25 (the boost path); cv 0.5 is shape 4; cv 1 is the exponential.
    const n = 50_000;
    const rate = 20;
    const gaps = gapsSeconds(times({ process: 'gamma', cv }, rate, n), 0);
    expect(gaps.every((g) => g >= 0)).toBe(true);
    // se(mean gap) = cv/sqrt(N): 0.22% .. 0.89%, 5 se <= 4.5%.
    expect(relativeError(1 / mean(gaps), rate)).toBeLessThan(0.045);
    // se(sd)/sd = sqrt((2 + 6 cv^2)/N)/2: 0.3% .. 1.14%; with the mean's error, 5 se <= 10%.
    expect(relativeError(stddev(gaps) / mean(gaps), cv)).toBeLessThan(cv >= 2 ? 0.1 : 0.04);
  });

  it('gamma tells cv apart: cv 3 is measurably burstier than cv 2', () => {
    const cvOf = (cv: number): number => {
      const gaps = gapsSeconds(times({ process: 'gamma', cv }, 5, 50_000), 0);
      return stddev(gaps) / mean(gaps);
    };
    expect(cvOf(3)).toBeGreaterThan(cvOf(2) * 1.3);
  });

  it('burst: groups of `size` at one instant, size/rate apart, first group at start', () => {
    const ts = times({ process: 'burst', size: 3 }, 6, 30_000, 1);
    expect(ts.slice(0, 7)).toEqual([1, 1, 1, 1.5, 1.5, 1.5, 2].map((s) => s * NS_PER_S));
    expect(ts.filter((t, i) => t !== secondsToNs(1 + Math.floor(i / 3) * 0.5))).toEqual([]);
  });

  it('burst of size 1 is the constant process', () => {
    expect(times({ process: 'burst', size: 1 }, 7, 1000, 0.25)).toEqual(times('constant', 7, 1000, 0.25));
  });

  it('is deterministic per stream and differs across streams', () => {
    const a = times({ process: 'gamma', cv: 1.5 }, 4, 100, 0, 'a');
    expect(times({ process: 'gamma', cv: 1.5 }, 4, 100, 0, 'a')).toEqual(a);
    expect(times({ process: 'gamma', cv: 1.5 }, 4, 100, 0, 'b')).not.toEqual(a);
  });

  it('rejects a non-positive rate', () => {
    expect(() => makeArrivalTimes({ process: 'poisson' }, 0, 0, derivedStream(1, 'x'))).toThrow(RangeError);
  });
});
