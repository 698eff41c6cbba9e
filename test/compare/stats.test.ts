// The comparison arithmetic on a few requests whose statistics are worked out by hand.
import { describe, expect, it } from 'vitest';
import { comparisonJson, formatComparison } from '../../src/compare/report.js';
import { compareLatencies, mape } from '../../src/compare/stats.js';

const real = new Map([
  ['a', { ttft: 0.1, e2e: 1.0 }],
  ['b', { ttft: 0.2, e2e: 2.0 }],
  ['c', { ttft: 0.3, e2e: 3.0 }], // not completed in the simulation: left out
]);
const simulated = new Map([
  ['a', { ttft: 0.15, e2e: 1.2, outputTokens: 11 }],
  ['b', { ttft: 0.1, e2e: 2.5, outputTokens: 11 }],
  ['z', { ttft: 9, e2e: 9, outputTokens: 11 }], // not measured: left out
]);

describe('compareLatencies', () => {
  const c = compareLatencies(real, simulated);

  it('matches requests by id and counts both sides', () => {
    expect(c.requests).toEqual({ real: 3, simulated: 3, matched: 2 });
  });

  it('compares mean and percentiles (numpy linear interpolation) of the matched requests', () => {
    // TTFT real [0.1, 0.2]: mean 0.15, p90 0.19; sim [0.1, 0.15]: mean 0.125, p90 0.145.
    expect(c.ttft.mean.real).toBeCloseTo(0.15, 12);
    expect(c.ttft.mean.sim).toBeCloseTo(0.125, 12);
    expect(c.ttft.mean.error_pct).toBeCloseTo(-100 / 6, 9);
    expect(c.ttft.p90.real).toBeCloseTo(0.19, 12);
    expect(c.ttft.p90.sim).toBeCloseTo(0.145, 12);
    expect(c.e2e.p50.real).toBeCloseTo(1.5, 12);
    expect(c.e2e.p50.sim).toBeCloseTo(1.85, 12);
  });

  it('takes ITL per request as (e2e - ttft) / (output_tokens - 1) on both sides', () => {
    // real: 0.9 / 10 = 0.09 and 1.8 / 10 = 0.18; sim: 1.05 / 10 = 0.105 and 2.4 / 10 = 0.24.
    expect(c.itl.mean.real).toBeCloseTo(0.135, 12);
    expect(c.itl.mean.sim).toBeCloseTo(0.1725, 12);
    expect(c.itl.mean.error_pct).toBeCloseTo(((0.1725 - 0.135) / 0.135) * 100, 9);
    const one = compareLatencies(new Map([['a', { ttft: 1, e2e: 1 }]]), new Map([['a', { ttft: 1, e2e: 1, outputTokens: 1 }]]));
    expect(one.itl.mean.real).toBeNaN(); // a one-token answer has no inter-token interval
  });

  it('computes the request-level MAPE', () => {
    // TTFT: |0.15 - 0.1| / 0.1 = 0.5 and |0.1 - 0.2| / 0.2 = 0.5; E2E: 0.2 / 1 and 0.5 / 2.
    expect(c.request_mape.ttft).toBeCloseTo(50, 9);
    expect(c.request_mape.e2e).toBeCloseTo(22.5, 9);
    expect(mape([0, 2], [5, 3])).toBeCloseTo(50, 9); // a zero real value cannot be a denominator
  });

  it('prints seconds in JSON and milliseconds in the table', () => {
    const json = JSON.parse(comparisonJson(c)) as Record<string, Record<string, Record<string, number>>>;
    expect(Object.keys(json)).toEqual(['ttft', 'e2e', 'itl', 'request_mape', 'requests']);
    expect(Object.keys(json['ttft']!)).toEqual(['mean', 'p50', 'p90', 'p99']);
    expect(Object.keys(json['ttft']!['mean']!)).toEqual(['real', 'sim', 'error_pct']);
    const table = formatComparison('t', c);
    expect(table).toMatch(/TTFT {4}mean {10}150\.00 {8}125\.00 {5}-16\.7/);
    expect(table).toContain('Request-level MAPE: TTFT 50.0 %, E2E 22.5 %');
  });
});
