import { describe, expect, it } from 'vitest';
import type { RandomStream } from '../../src/engine/random.js';
import { derivedStream } from '../../src/engine/random.js';
import { lengthDistribution, lognormalParameters, makeLengthSampler } from '../../src/workload/distributions.js';
import { draw, mean, relativeError, stddev } from './stats.js';

// Tolerances: with N = 20,000 independent draws, a sample mean has standard error sd/sqrt(N)
// (0.71% of sd), and a sample stddev about sd*sqrt((2 + excess kurtosis)/N)/2. Each bound below is at
// least 5 standard errors wide, so a correct sampler fails with probability < 1e-6 for a random seed
// (and the seed here is fixed, so the test is deterministic); a wrong parametrisation (say sigma
// passed as stddev, or an off-by-one range) misses by far more than the bound.
const N = 20_000;

function sampler(config: unknown, name = 'lengths'): () => number {
  return makeLengthSampler(lengthDistribution.parse(config), derivedStream(7, name));
}

/** A stream wrapper that counts draws. */
function counting(stream: RandomStream): RandomStream & { draws: number } {
  const counter = {
    draws: 0,
    next: () => {
      counter.draws++;
      return stream.next();
    },
    nextUint32: () => {
      counter.draws++;
      return stream.nextUint32();
    },
  };
  return counter;
}

describe('lengthDistribution schema', () => {
  it('accepts a plain positive integer and every dist', () => {
    expect(lengthDistribution.parse(42)).toBe(42);
    for (const config of [
      { dist: 'constant', value: 3 },
      { dist: 'uniform', min: 1, max: 1 },
      { dist: 'normal', mean: 10, stddev: 2, min: 0, max: 20 },
      { dist: 'lognormal', mean: 10, stddev: 2 },
      { dist: 'empirical', values: [1, 2], weights: [0, 1] },
    ]) {
      expect(lengthDistribution.safeParse(config).success, JSON.stringify(config)).toBe(true);
    }
  });

  it.each([
    ['zero', 0],
    ['a fraction', 2.5],
    ['an unknown key', { dist: 'constant', value: 3, extra: 1 }],
    ['an unknown dist', { dist: 'pareto', alpha: 1 }],
    ['uniform min > max', { dist: 'uniform', min: 5, max: 4 }],
    ['uniform min 0', { dist: 'uniform', min: 0, max: 4 }],
    ['normal without stddev', { dist: 'normal', mean: 10 }],
    ['normal max below 1', { dist: 'normal', mean: 10, stddev: 1, max: 0 }],
    ['normal max below min', { dist: 'normal', mean: 10, stddev: 1, min: 8, max: 5 }],
    ['lognormal mean 0', { dist: 'lognormal', mean: 0, stddev: 1 }],
    ['lognormal negative stddev', { dist: 'lognormal', mean: 5, stddev: -1 }],
    ['empirical without values', { dist: 'empirical', values: [] }],
    ['empirical weights of the wrong length', { dist: 'empirical', values: [1, 2], weights: [1] }],
    ['empirical weights summing to 0', { dist: 'empirical', values: [1, 2], weights: [0, 0] }],
    ['empirical negative weight', { dist: 'empirical', values: [1, 2], weights: [-1, 2] }],
  ])('rejects %s', (_what, config) => {
    expect(lengthDistribution.safeParse(config).success).toBe(false);
  });

  it('points at the offending field', () => {
    const result = lengthDistribution.safeParse({ dist: 'uniform', min: 5, max: 4 });
    expect(result.error?.issues[0]?.path).toEqual(['max']);
  });
});

describe('makeLengthSampler', () => {
  it('constants return the value and draw nothing', () => {
    const stream = counting(derivedStream(1, 'x'));
    const plain = makeLengthSampler(lengthDistribution.parse(17), stream);
    const object = makeLengthSampler(lengthDistribution.parse({ dist: 'constant', value: 9 }), stream);
    expect(draw(100, plain)).toEqual(new Array(100).fill(17));
    expect(draw(100, object)).toEqual(new Array(100).fill(9));
    expect(stream.draws).toBe(0);
  });

  it('normal draws exactly twice per sample (Box-Muller, no rejection)', () => {
    const stream = counting(derivedStream(1, 'x'));
    const sample = makeLengthSampler(lengthDistribution.parse({ dist: 'normal', mean: 5, stddev: 50 }), stream);
    draw(1000, sample);
    expect(stream.draws).toBe(2000);
  });

  it('uniform covers [min, max] inclusive with mean (min+max)/2', () => {
    const xs = draw(N, sampler({ dist: 'uniform', min: 1, max: 100 }));
    expect(Math.min(...xs)).toBe(1);
    expect(Math.max(...xs)).toBe(100);
    expect(xs.every(Number.isInteger)).toBe(true);
    // sd = sqrt((100^2 - 1)/12) = 28.9, standard error 0.204: 5 se = 1.02.
    expect(Math.abs(mean(xs) - 50.5)).toBeLessThan(1.05);
  });

  it('uniform with min = max is constant', () => {
    expect(new Set(draw(1000, sampler({ dist: 'uniform', min: 7, max: 7 })))).toEqual(new Set([7]));
  });

  it('normal has the requested mean and stddev when clipping is negligible', () => {
    const xs = draw(N, sampler({ dist: 'normal', mean: 500, stddev: 50 }));
    expect(xs.every(Number.isInteger)).toBe(true);
    // se(mean) = 50/sqrt(N) = 0.35 (5 se = 1.8); se(sd) = 50/sqrt(2N) = 0.25 (5 se = 1.25).
    expect(Math.abs(mean(xs) - 500)).toBeLessThan(1.8);
    expect(Math.abs(stddev(xs) - 50)).toBeLessThan(1.3);
  });

  it('normal clamps to [max(1, min), max] without resampling', () => {
    const xs = draw(N, sampler({ dist: 'normal', mean: 10, stddev: 100, min: 5, max: 20 }));
    expect(Math.min(...xs)).toBe(5);
    expect(Math.max(...xs)).toBe(20);
    // Clamping (not resampling) piles mass on the bounds: P(X < 5.5) = Phi(-0.045) = 0.482 of the
    // samples round to 5 or below (binomial se 0.0035; resampling would leave about 0.004 there).
    const atMin = xs.filter((x) => x === 5).length / N;
    expect(Math.abs(atMin - 0.482)).toBeLessThan(0.018);
  });

  it('normal never goes below 1, even with min 0 or negative', () => {
    const xs = draw(N, sampler({ dist: 'normal', mean: 3, stddev: 10, min: -50 }));
    expect(Math.min(...xs)).toBe(1);
  });

  it('lognormal has the requested mean and stddev (of the lengths, not of their logs)', () => {
    const xs = draw(N, sampler({ dist: 'lognormal', mean: 1000, stddev: 500 }));
    expect(xs.every((x) => Number.isInteger(x) && x >= 1)).toBe(true);
    // se(mean) = 500/sqrt(N) = 3.5 (0.35%; 5 se = 1.8%). The lognormal with cv 0.5 has excess
    // kurtosis 5.0, so se(sd)/sd = sqrt(7/N)/2 = 0.94% (5 se = 4.7%).
    expect(relativeError(mean(xs), 1000)).toBeLessThan(0.02);
    expect(relativeError(stddev(xs), 500)).toBeLessThan(0.05);
  });

  it('lognormal parameters convert mean/stddev to mu/sigma', () => {
    const { mu, sigma } = lognormalParameters(1000, 500);
    expect(sigma).toBeCloseTo(Math.sqrt(Math.log(1.25)), 12);
    expect(Math.exp(mu + (sigma * sigma) / 2)).toBeCloseTo(1000, 9);
  });

  it('lognormal clamps to [min, max]', () => {
    const xs = draw(N, sampler({ dist: 'lognormal', mean: 100, stddev: 200, min: 20, max: 300 }));
    expect(Math.min(...xs)).toBe(20);
    expect(Math.max(...xs)).toBe(300);
  });

  it('lognormal with stddev 0 is the mean', () => {
    expect(new Set(draw(100, sampler({ dist: 'lognormal', mean: 250, stddev: 0 })))).toEqual(new Set([250]));
  });

  it('empirical follows the weights and never picks a zero-weight value', () => {
    const xs = draw(N, sampler({ dist: 'empirical', values: [10, 20, 30], weights: [1, 0, 3] }));
    expect(xs.includes(20)).toBe(false);
    // Binomial se = sqrt(0.75 * 0.25 / N) = 0.0031: 5 se = 0.015.
    expect(Math.abs(xs.filter((x) => x === 30).length / N - 0.75)).toBeLessThan(0.016);
    expect(Math.abs(xs.filter((x) => x === 10).length / N - 0.25)).toBeLessThan(0.016);
  });

  it('empirical without weights is uniform over the values', () => {
    const xs = draw(N, sampler({ dist: 'empirical', values: [5, 6, 7, 8] }));
    for (const v of [5, 6, 7, 8]) {
      // se = sqrt(0.25 * 0.75 / N) = 0.0031.
      expect(Math.abs(xs.filter((x) => x === v).length / N - 0.25)).toBeLessThan(0.016);
    }
  });

  it('is deterministic per stream seed and differs across seeds', () => {
    const config = { dist: 'lognormal', mean: 300, stddev: 200 };
    const a = draw(50, sampler(config, 's'));
    expect(draw(50, sampler(config, 's'))).toEqual(a);
    expect(draw(50, sampler(config, 't'))).not.toEqual(a);
  });
});
