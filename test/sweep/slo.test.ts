// SLO expressions, vLLM goodput bounds, and the bounds implied by SLOs.
import { describe, expect, it } from 'vitest';
import { formatGoodput, goodputFromSlos, meetsAll, meetsSlo, parseGoodput, parseSlo } from '../../src/sweep/slo.js';

describe('parseSlo', () => {
  it('reads metric, operator and bound in ms', () => {
    expect(parseSlo('ttft_p99<2s')).toEqual({ text: 'ttft_p99<2s', metric: 'ttft_p99', op: '<', boundMs: 2000 });
    expect(parseSlo(' itl_p50 <= 50ms ')).toEqual({ text: 'itl_p50<=50ms', metric: 'itl_p50', op: '<=', boundMs: 50 });
    expect(parseSlo('e2el_mean<1.5s').boundMs).toBe(1500);
    expect(parseSlo('queue_p90<0.25s').boundMs).toBe(250);
  });

  it.each(['ttft_p99<2', 'ttft_p95<2s', 'latency<2s', 'ttft_p99>2s', 'ttft_p99<2m', ''])('rejects %j', (text) => {
    expect(() => parseSlo(text)).toThrow(/expected METRIC<BOUND/);
  });

  it('compares strictly or not, and fails a metric with no value', () => {
    const slo = parseSlo('ttft_p99<100ms');
    expect(meetsSlo({ ttft_p99: 99.9 }, slo)).toBe(true);
    expect(meetsSlo({ ttft_p99: 100 }, slo)).toBe(false);
    expect(meetsSlo({ ttft_p99: 100 }, parseSlo('ttft_p99<=100ms'))).toBe(true);
    expect(meetsSlo({ ttft_p99: Number.NaN }, slo)).toBe(false);
    expect(meetsSlo({}, slo)).toBe(false);
    expect(meetsAll({ ttft_p99: 1, itl_p50: 60 }, [slo, parseSlo('itl_p50<50ms')])).toBe(false);
  });
});

describe('goodput bounds', () => {
  it("reads vllm bench serve's --goodput syntax (ms) in a fixed key order", () => {
    expect(parseGoodput('tpot:50 ttft:1000')).toEqual({ ttft: 1000, tpot: 50 });
    expect(parseGoodput('e2el:2s,ttft:500')).toEqual({ ttft: 500, e2el: 2000 });
    expect(formatGoodput({ ttft: 1000, tpot: 50 })).toBe('ttft:1000 tpot:50');
  });

  it.each(['itl:50', 'ttft', 'ttft:abc', 'ttft:1 ttft:2', ' '])('rejects %j', (text) => {
    expect(() => parseGoodput(text)).toThrow(/--goodput/);
  });

  it('takes per-request bounds from SLOs on ttft, tpot and e2el (the largest per metric)', () => {
    const slos = ['ttft_p50<500ms', 'ttft_p99<2s', 'itl_p50<50ms', 'tpot_p90<80ms'].map(parseSlo);
    expect(goodputFromSlos(slos)).toEqual({ ttft: 2000, tpot: 80 });
    expect(goodputFromSlos([parseSlo('itl_p99<1s')])).toBeUndefined();
  });
});
