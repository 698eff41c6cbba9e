// CachingMetrics: spec D row 28 / B.6, re-expressing test_kv_cache_utils.py::test_metrics and
// ::test_metrics_empty_stats.
import { describe, expect, it } from 'vitest';
import { CachingMetrics } from '../../src/kv/caching-metrics.js';

const stats = (requests: number, queries: number, hits: number, reset = false) => ({ requests, queries, hits, reset });

describe('CachingMetrics', () => {
  it('test_metrics: a window of 5 requests drops the oldest batch', () => {
    const metrics = new CachingMetrics(5);
    expect(metrics.hitRate).toBe(0);
    metrics.observe(stats(1, 20, 9));
    expect(metrics.hitRate).toBe(0.45);
    metrics.observe(stats(4, 80, 16));
    expect(metrics.hitRate).toBe(0.25);
    metrics.observe(stats(1, 10, 2)); // (1, 20, 9) falls out: 18 / 90
    expect(metrics.aggregatedRequests).toBe(5);
    expect(metrics.aggregatedQueryTotal).toBe(90);
    expect(metrics.aggregatedQueryHit).toBe(18);
    expect(metrics.hitRate).toBe(0.2);

    metrics.reset();
    expect(metrics.hitRate).toBe(0);
    expect(metrics.aggregatedRequests).toBe(0);
    expect(metrics.aggregatedQueryTotal).toBe(0);
    expect(metrics.aggregatedQueryHit).toBe(0);
    expect(metrics.numBatches).toBe(0);
  });

  it('test_metrics_empty_stats: empty batches are ignored; the latest batch is always kept', () => {
    const metrics = new CachingMetrics(5);
    for (const s of [stats(0, 0, 0), stats(1, 20, 9), stats(0, 0, 0), stats(4, 80, 16), stats(0, 0, 0), stats(1, 10, 2)]) {
      metrics.observe(s);
    }
    expect([metrics.aggregatedRequests, metrics.aggregatedQueryTotal, metrics.aggregatedQueryHit]).toEqual([5, 90, 18]);
    expect(metrics.hitRate).toBe(0.2);
    expect(metrics.numBatches).toBe(2); // (4, 80, 16) and (1, 10, 2); no empty batch was kept

    metrics.observe(stats(11, 20, 10));
    expect([metrics.aggregatedRequests, metrics.aggregatedQueryTotal, metrics.aggregatedQueryHit]).toEqual([11, 20, 10]);
    expect(metrics.hitRate).toBe(0.5);

    metrics.observe(stats(22, 40, 30));
    expect([metrics.aggregatedRequests, metrics.aggregatedQueryTotal, metrics.aggregatedQueryHit]).toEqual([22, 40, 30]);
    expect(metrics.hitRate).toBe(0.75);
    expect(metrics.numBatches).toBe(1);
  });

  it('a reset flag clears the window before adding its own batch', () => {
    const metrics = new CachingMetrics(1000);
    metrics.observe(stats(3, 30, 30));
    metrics.observe(stats(1, 10, 0, true));
    expect(metrics.aggregatedRequests).toBe(1);
    expect(metrics.hitRate).toBe(0);
  });

  it('stays exact over many batches (the FIFO compacts without losing order)', () => {
    const metrics = new CachingMetrics(10);
    for (let i = 0; i < 5000; i++) metrics.observe(stats(1, 10, i % 10));
    // The window holds the last 10 batches: hits 0..9 once each.
    expect(metrics.numBatches).toBe(10);
    expect(metrics.aggregatedQueryHit).toBe(45);
    expect(metrics.hitRate).toBeCloseTo(0.45, 12);
  });
});
