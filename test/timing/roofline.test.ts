import { describe, expect, it } from 'vitest';
import type { GpuSpec, ModelArch } from '../../src/model/catalog.js';
import { RooflineStepTime, type RooflineStepCoefficients } from '../../src/timing/roofline.js';
import { createStepTimeModel } from '../../src/timing/step-time.js';
import type { BatchShape } from '../../src/scheduler/scheduler-output.js';

// A tiny model: 2 layers, hidden 8, 2 heads of 4, 1 KV head, MLP 16, vocab 10, 2 bytes.
const tiny: ModelArch = { layers: 2, hidden: 8, heads: 2, kv_heads: 1, intermediate: 16, experts: 0, experts_per_token: 0, vocab: 10, bytes_per_param: 2 };
const gpu: GpuSpec = { flops: 1000, hbm_bandwidth: 100, memory: 1e9, link_bandwidth: 10 };
const ones: RooflineStepCoefficients = { prefill_compute: 1, decode_compute: 1, weights: 1, kv: 1, tp_comm: 1, per_step: 0, per_layer: 0, per_request: 0 };
const shape = (s: Partial<BatchShape>): BatchShape => ({ numRequests: 1, prefillTokens: 0, decodeRequests: 0, decodeContextTokens: 0, prefillAttentionTokens: 0, ...s });

describe('roofline terms', () => {
  it('match hand arithmetic for a tiny dense model', () => {
    const r = new RooflineStepTime({ type: 'roofline', arch: tiny, gpu, tensor_parallel_size: 1, coefficients: ones });
    // attention params/layer: q 8x8 + o 8x8 + k,v 8x4 each = 192; MLP 3 x 8 x 16 = 384;
    // linear FLOPs/token = 2 x (2 x (192 + 384) + 8 x 10) = 2464; attention FLOPs/pair = 4 x 2 x 2 x 4 = 64.
    const t = r.terms(shape({ prefillTokens: 3, prefillAttentionTokens: 6, decodeRequests: 2, decodeContextTokens: 10, numRequests: 3 }));
    expect(t.prefillCompute).toBeCloseTo((3 * 2464 + 6 * 64) / 1000, 12);
    expect(t.decodeCompute).toBeCloseTo((2 * 2464 + 10 * 64) / 1000, 12);
    // weights: (2 x (192 + 384) + 80) x 2 B = 2464 B; KV/token: 2 x 2 layers x 1 x 4 x 2 B = 32 B.
    expect(t.weights).toBeCloseTo(2464 / 100, 12);
    expect(t.kv).toBeCloseTo(((10 + 3) * 32) / 100, 12);
    expect(t.allReduce).toBe(0);
    // step = max(compute 13.32, memory 24.64 + 4.16) = 28.8 s.
    expect(r.seconds(shape({ prefillTokens: 3, prefillAttentionTokens: 6, decodeRequests: 2, decodeContextTokens: 10, numRequests: 3 }))).toBeCloseTo(28.8, 9);
  });

  it('splits by tensor parallelism and adds the ring all-reduce and overheads', () => {
    const c = { ...ones, per_step: 0.5, per_layer: 0.25, per_request: 0.125 };
    const r = new RooflineStepTime({ type: 'roofline', arch: tiny, gpu, tensor_parallel_size: 2, coefficients: c });
    const s = shape({ decodeRequests: 4, decodeContextTokens: 0, numRequests: 4 });
    const t = r.terms(s);
    expect(t.weights).toBeCloseTo(2464 / 2 / 100, 12);
    // 2 x 2 layers all-reduces of 4 tokens x 8 x 2 B = 256 B, ring factor 2 x 1/2 = 1, over 10 B/s.
    expect(t.allReduce).toBeCloseTo(25.6, 12);
    expect(r.seconds(s)).toBeCloseTo(Math.max(t.decodeCompute, t.weights) + 25.6 + 0.5 + 0.5 + 0.5, 9);
    expect(createStepTimeModel({ type: 'roofline', arch: tiny, gpu, tensor_parallel_size: 2, coefficients: c }).forwardNs(s)).toBe(Math.round(r.seconds(s) * 1e9));
  });

  it('reads only the experts a small batch routes to', () => {
    const moe: ModelArch = { ...tiny, experts: 8, experts_per_token: 2 };
    const r = new RooflineStepTime({ type: 'roofline', arch: moe, gpu, tensor_parallel_size: 1, coefficients: ones });
    expect(r.activeExperts(1)).toBeCloseTo(2, 12);
    expect(r.activeExperts(2)).toBeCloseTo(8 * (1 - 0.75 ** 2), 12); // 3.5
    expect(r.activeExperts(500)).toBeCloseTo(8, 6);
    const one = r.terms(shape({ decodeRequests: 1, decodeContextTokens: 1 }));
    // dense part 2 x 192 + 80 = 464 params, experts 2 x 384 each: (464 + 2 x 768) x 2 B.
    expect(one.weights).toBeCloseTo(((464 + 2 * 768) * 2) / 100, 9);
  });
});
