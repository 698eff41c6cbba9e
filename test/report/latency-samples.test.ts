// Latency samples are exact (bit-for-bit the old sorted-array statistics) up to the cap, within the
// histogram's relative error beyond it, and bounded in memory however many values they take.
import { describe, expect, it } from 'vitest';
import { EXACT_CAP, LatencySamples, type Distribution } from '../../src/report/latency-samples.js';
import { MetricsCollector } from '../../src/report/metrics.js';
import { mean, percentileOfSorted, std } from '../../src/report/percentile.js';

const PS = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 100];

/** A seeded LCG (Numerical Recipes constants) in [0, 1): the same values on every machine. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Latency-like ns values spanning ~1 us to ~100 s (log-uniform), half of them fractional. */
function latencies(seed: number, n: number): Float64Array {
  const next = lcg(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = 10 ** (3 + 8 * next());
    out[i] = i % 2 === 0 ? Math.round(v) : v;
  }
  return out;
}

function filled(values: Float64Array, cap?: number): LatencySamples {
  const s = new LatencySamples(cap);
  for (const v of values) s.push(v);
  return s;
}

/** The summary's computation before the cap existed: everything over the sorted values. */
function exactStats(values: Float64Array): number[] {
  const sorted = values.slice().sort();
  return [mean(sorted), std(sorted), ...PS.map((p) => percentileOfSorted(sorted, p))];
}

function statsOf(d: Distribution): number[] {
  return [d.mean(), d.std(), ...PS.map((p) => d.percentile(p))];
}

describe('LatencySamples', () => {
  it('is bit-identical to the exact statistics up to the cap', () => {
    const values = latencies(1, EXACT_CAP);
    const s = filled(values);
    expect(s.isExact).toBe(true);
    expect(s.count).toBe(EXACT_CAP);
    expect(statsOf(s.distribution())).toEqual(exactStats(values));
  });

  it('sorts zeros, a -0 and equal values as the sorted array does, and refuses negative or NaN latencies', () => {
    const values = Float64Array.from([5e6, 0, 3, -0, 5e6, 1e10, 2.5, 0, 7]);
    expect(statsOf(filled(values).distribution())).toEqual(exactStats(values));
    expect(filled(values).distribution().percentile(0)).toBe(0);
    expect(() => new LatencySamples().push(-1)).toThrow(/internal/);
    expect(() => new LatencySamples().push(Number.NaN)).toThrow(/internal/);
  });

  it('is NaN everywhere when empty', () => {
    expect(statsOf(new LatencySamples().distribution()).every(Number.isNaN)).toBe(true);
  });

  it('stays within 1/2048 relative error (percentiles) beyond the cap', () => {
    const values = latencies(2, 3 * EXACT_CAP + 17);
    const s = filled(values);
    expect(s.isExact).toBe(false);
    expect(s.count).toBe(values.length);
    const d = s.distribution();
    const sorted = values.slice().sort();
    for (const p of PS) {
      const exact = percentileOfSorted(sorted, p);
      // Each order statistic is off by at most half a bucket (1/2048 relative) plus the rounding
      // to whole ns; interpolating between two such values keeps that bound.
      expect(Math.abs(d.percentile(p) - exact)).toBeLessThanOrEqual(exact / 2048 + 0.5);
    }
    expect(d.mean()).toBeCloseTo(mean(sorted), 3);
    expect(Math.abs(d.mean() / mean(sorted) - 1)).toBeLessThan(1e-13);
    expect(Math.abs(d.std() / std(sorted) - 1)).toBeLessThan(1e-12);
  });

  it('keeps a tiny spread around a large mean (no cancellation in the std)', () => {
    // e2e latencies around 1e10 ns that differ by a few ns: sum(x^2)/n - mean^2 would be noise.
    const next = lcg(3);
    const values = Float64Array.from({ length: 5000 }, () => 1e10 + Math.floor(next() * 8));
    const d = filled(values, 100).distribution();
    expect(Math.abs(d.mean() - mean(values))).toBeLessThan(1e-5);
    expect(Math.abs(d.std() - std(values))).toBeLessThan(1e-6);
    const constant = filled(new Float64Array(1000).fill(123456789.25), 10).distribution();
    expect(constant.mean()).toBe(123456789.25);
    expect(constant.std()).toBe(0);
  });

  it('holds bounded storage after a million values', () => {
    const s = new LatencySamples();
    const next = lcg(4);
    for (let i = 0; i < 1_000_000; i++) s.push(10 ** (3 + 9 * next()));
    expect(s.count).toBe(1_000_000);
    // Values from 1 us to 1000 s need ~31k histogram buckets: the bucket array doubles to 32768.
    expect(s.storageSlots).toBeLessThanOrEqual(EXACT_CAP);
    // The exact form at the cap holds exactly EXACT_CAP slots, never more.
    expect(filled(latencies(5, EXACT_CAP)).storageSlots).toBe(EXACT_CAP);
  });

  it('clones independently, exact or folded', () => {
    for (const n of [50, 500]) {
      const values = latencies(6, n);
      const s = filled(values, 100);
      const copy = s.clone();
      expect(statsOf(copy.distribution())).toEqual(statsOf(s.distribution()));
      copy.push(1e12);
      expect(copy.count).toBe(n + 1);
      expect(s.count).toBe(n);
      expect(statsOf(s.distribution())).toEqual(statsOf(filled(values, 100).distribution()));
    }
  });

  it('a distribution is a snapshot', () => {
    for (const n of [50, 500]) {
      const s = filled(latencies(7, n), 100);
      const d = s.distribution();
      const before = statsOf(d);
      s.push(1e12);
      expect(statsOf(d)).toEqual(before);
    }
  });
});

describe('MetricsCollector per-priority latencies', () => {
  function complete(m: MetricsCollector, i: number, priority: number): void {
    m.onCompleted({
      arrivalNs: i * 1000,
      firstOutputNs: i * 1000 + 500 + (i % 7) * 13,
      doneNs: i * 1000 + 5000 + (i % 11) * 101,
      promptTokens: 10,
      outputTokens: 5,
      queueNs: i % 5,
      status: 'stopped',
      priority,
    });
  }

  /** Reference: each class fed on its own, as the collector did before sharing. */
  function check(priorities: number[]): void {
    const m = new MetricsCollector();
    const ref = new Map<number, { ttft: LatencySamples; e2e: LatencySamples }>();
    priorities.forEach((priority, i) => {
      complete(m, i, priority);
      let r = ref.get(priority);
      if (r === undefined) ref.set(priority, (r = { ttft: new LatencySamples(), e2e: new LatencySamples() }));
      r.ttft.push(500 + (i % 7) * 13);
      r.e2e.push(5000 + (i % 11) * 101);
    });
    expect([...m.byPriority.keys()]).toEqual([...ref.keys()]);
    for (const [priority, r] of ref) {
      const cls = m.byPriority.get(priority)!;
      expect(cls.completed).toBe(r.ttft.count);
      expect(statsOf(cls.ttftNs.distribution())).toEqual(statsOf(r.ttft.distribution()));
      expect(statsOf(cls.e2eNs.distribution())).toEqual(statsOf(r.e2e.distribution()));
    }
    expect(m.ttftNs.count).toBe(priorities.length);
  }

  it('shares the run samples while there is one priority', () => {
    const m = new MetricsCollector();
    for (let i = 0; i < 10; i++) complete(m, i, 0);
    expect(m.byPriority.get(0)!.ttftNs).toBe(m.ttftNs);
    check(Array.from({ length: 10 }, () => 0));
  });

  it('splits exactly when a second priority appears', () => {
    check([0, 0, 0, 1, 0, 2, 1, 1, 0]);
    check([5, 5, -1, 5]);
  });

  it('splits exactly after the run samples have folded', () => {
    const priorities = Array.from({ length: EXACT_CAP + 1000 }, (_, i) => (i < EXACT_CAP + 10 ? 0 : i % 2));
    check(priorities);
  });
});
