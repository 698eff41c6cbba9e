// The rate search against known pass/fail curves: it finds the edge within tolerance, catches a
// dip below it (latency not monotone), and says when the answer lies outside [min, max].
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEARCH, describeSearch, searchMaxRate, type SearchOptions } from '../../src/sweep/capacity-search.js';

const options = (start: number, overrides: Partial<SearchOptions> = {}): SearchOptions => ({ ...DEFAULT_SEARCH, start, ...overrides });

function curve(pass: (rate: number) => boolean) {
  const asked: number[] = [];
  const probe = (rate: number) => {
    asked.push(rate);
    return Promise.resolve({ pass: pass(rate) });
  };
  return { probe, asked };
}

describe('searchMaxRate', () => {
  it.each([
    [4, 7.3],
    [4, 1.1],
    [100, 7.3],
    [0.5, 333],
  ])('from %f finds a monotone edge at %f within the relative tolerance', async (start, edge) => {
    const { probe, asked } = curve((r) => r <= edge);
    const result = await searchMaxRate(probe, options(start));
    expect(result.bound).toBe('found');
    expect(result.verified).toBe(true);
    expect(result.maxRate!).toBeLessThanOrEqual(edge);
    expect(result.maxRate!).toBeGreaterThanOrEqual(edge / (1 + DEFAULT_SEARCH.relTol));
    // Memoised: no rate is simulated twice.
    expect(new Set(asked).size).toBe(asked.length);
    expect(result.probes.map((p) => p.rate)).toEqual(asked);
  });

  it('starts with bracketing, then bisects, then re-checks below the answer', async () => {
    const { probe } = curve((r) => r <= 7.3);
    const result = await searchMaxRate(probe, options(4));
    const stages = result.probes.map((p) => p.stage);
    expect(stages.slice(0, 3)).toEqual(['bracket', 'bracket', 'bisect']); // 4 met, 8 missed: bisect [4, 8]
    expect(result.probes.slice(0, 2).map((p) => p.rate)).toEqual([4, 8]);
    expect(stages.slice(-2)).toEqual(['verify', 'verify']);
    const verifyRates = result.probes.filter((p) => p.stage === 'verify').map((p) => p.rate);
    expect(verifyRates).toEqual([result.maxRate! * 0.95, result.maxRate! * 0.9]);
  });

  it('catches a failing dip just below a passing rate and answers below the dip', async () => {
    // Passes up to 10 except in (8.5, 9.2): a noisy, non-monotone curve.
    const { probe } = curve((r) => r <= 10 && !(r > 8.5 && r < 9.2));
    const result = await searchMaxRate(probe, options(4));
    expect(result.nonMonotone.length).toBeGreaterThan(0);
    expect(result.nonMonotone.every((r) => r > 8.5 && r < 9.2)).toBe(true);
    expect(result.maxRate!).toBeLessThanOrEqual(8.5);
    expect(result.maxRate!).toBeGreaterThan(8.5 / 1.02 / 1.02);
    expect(result.verified).toBe(true);
  });

  it('returns an unverified answer when the rounds run out', async () => {
    // Two islands of passing rates above the real edge: each round's re-check lands in a gap.
    const { probe } = curve((r) => (r > 9 && r <= 10) || (r > 4.4 && r <= 4.5) || r <= 1);
    const result = await searchMaxRate(probe, options(10, { maxRounds: 2 }));
    expect(result).toMatchObject({ maxRate: 4.5, bound: 'found', verified: false });
    expect(result.nonMonotone).toEqual([9, 4.5 * 0.95]);
  });

  it('says when the rate is at --rate-max or below --rate-min', async () => {
    const always = await searchMaxRate(() => Promise.resolve({ pass: true }), options(4, { max: 100 }));
    expect(always).toMatchObject({ maxRate: 100, bound: 'at_max' });
    expect(always.probes.map((p) => p.rate)).toEqual([4, 8, 16, 32, 64, 100]);
    const never = await searchMaxRate(() => Promise.resolve({ pass: false }), options(4, { min: 0.5 }));
    expect(never).toMatchObject({ maxRate: null, bound: 'below_min' });
    expect(never.probes.map((p) => p.rate)).toEqual([4, 2, 1, 0.5]);
  });

  it('describes itself', () => {
    const text = describeSearch(options(4), 3);
    expect(text).toContain('exponential bracketing from 4 req/s');
    expect(text).toContain('within 2 %');
    expect(text).toContain('mean over 3 seeds');
  });
});
