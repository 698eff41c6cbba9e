// The roofline step time (issue 6): one step's forward pass from the model's dimensions, the GPU's
// peak FLOP/s and HBM bandwidth, and tensor parallelism, with a small set of fitted coefficients.
//
// Per GPU (TP ranks split FLOPs, weights and KV heads evenly), with T_x = FLOPs / peak FLOP/s or
// bytes / HBM bandwidth:
//   linear FLOPs per token   = 2 x (layers x (attention params + k_active x MLP params) + hidden x vocab)
//   attention FLOPs per pair = 4 x layers x heads x head_dim    (QK^T and PV over one (query, key) pair)
//   T_pf  = (prefill tokens x linear + prefill pairs x attention) / FLOP/s    (pairs: prefillAttentionTokens)
//   T_dc  = (decode requests x linear + decode context x attention) / FLOP/s  (decodeContextTokens)
//   T_w   = (layers x (attention params + active experts x MLP params) + vocab x hidden) x bytes / bw
//           active experts = E x (1 - (1 - k/E)^tokens): the experts a batch of that many tokens touches
//   T_kv  = KV bytes per token x (decode context + prefill tokens written) / bw
//   T_ar  = 2 x layers all-reduces of tokens x hidden x bytes, ring: 2 (TP-1)/TP x bytes / link bw
//   step  = max(prefill_compute x T_pf + decode_compute x T_dc, weights x T_w + kv x T_kv)
//           + tp_comm x T_ar + per_step + per_layer x layers + per_request x requests
// The coefficients are dimensionless corrections (1/MFU-like) and seconds for the overheads.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { attentionParamsPerLayer, headDim, kvBytesPerToken, mlpParams, type GpuSpec, type ModelArch } from '../model/catalog.js';
import type { BatchShape } from '../scheduler/scheduler-output.js';

export const ROOFLINE_STEP_KEYS = ['prefill_compute', 'decode_compute', 'weights', 'kv', 'tp_comm', 'per_step', 'per_layer', 'per_request'] as const;
export type RooflineStepKey = (typeof ROOFLINE_STEP_KEYS)[number];
export type RooflineStepCoefficients = Readonly<Record<RooflineStepKey, number>>;

/**
 * Client-side overheads a measured TTFT/E2E includes beyond the engine: `input_delay` (send to the
 * engine's add_request: HTTP, tokenization; applied as frontend.input_delay), `completion_delay`
 * (the last token to the client's end of the response: detokenization, HTTP close; applied in
 * compare's view of E2E, since the simulated frontend has no such event).
 */
export interface FrontendCoefficients {
  readonly input_delay: number;
  readonly completion_delay: number;
}

export interface RooflineCoefficients {
  readonly step: RooflineStepCoefficients;
  readonly frontend: FrontendCoefficients;
}

const nonNeg = z.number().nonnegative();
export const stepCoefficientsSchema = z.strictObject(Object.fromEntries(ROOFLINE_STEP_KEYS.map((k) => [k, nonNeg.optional()])) as Record<RooflineStepKey, z.ZodOptional<typeof nonNeg>>);
export const coefficientsFileSchema = z.strictObject({
  step: stepCoefficientsSchema.optional(),
  frontend: z.strictObject({ input_delay: nonNeg.optional(), completion_delay: nonNeg.optional() }).optional(),
  /** Free-form provenance (how and on what the file was fitted). */
  fitted: z.unknown().optional(),
});

/** Reads a coefficients file (YAML or JSON), filling missing keys from `defaults`. */
export function readCoefficientsFile(path: string, defaults: RooflineCoefficients): RooflineCoefficients {
  const parsed = coefficientsFileSchema.parse(parseYaml(readFileSync(path, 'utf8')));
  return mergeCoefficients(defaults, parsed.step ?? {}, parsed.frontend ?? {});
}

export function mergeCoefficients(base: RooflineCoefficients, step: Partial<Record<RooflineStepKey, number | undefined>>, frontend: Partial<Record<keyof FrontendCoefficients, number | undefined>> = {}): RooflineCoefficients {
  const s: Record<string, number> = { ...base.step };
  for (const k of ROOFLINE_STEP_KEYS) if (step[k] !== undefined) s[k] = step[k];
  return {
    step: s as RooflineStepCoefficients,
    frontend: { input_delay: frontend.input_delay ?? base.frontend.input_delay, completion_delay: frontend.completion_delay ?? base.frontend.completion_delay },
  };
}

/** The resolved roofline: what createStepTimeModel needs (StepTimeConfig's `roofline` variant). */
export interface RooflineConfig {
  readonly type: 'roofline';
  readonly arch: ModelArch;
  readonly gpu: GpuSpec;
  readonly tensor_parallel_size: number;
  readonly coefficients: RooflineStepCoefficients;
  /** The fitted client-side completion overhead (seconds), which compare adds to simulated E2E. */
  readonly completion_delay?: number | undefined;
}

export interface RooflineTerms {
  readonly prefillCompute: number;
  readonly decodeCompute: number;
  readonly weights: number;
  readonly kv: number;
  readonly allReduce: number;
}

/** Precomputed per-model constants, so forwardNs is a handful of multiplications. */
export class RooflineStepTime {
  private readonly tp: number;
  private readonly linearFlopsPerToken: number;
  private readonly attnFlopsPerPair: number;
  private readonly denseWeightBytes: number;
  private readonly expertBytes: number;
  private readonly kvBytes: number;
  private readonly arBytesPerToken: number;
  private readonly arFactor: number;
  private readonly fixedNs: number;

  constructor(private readonly config: RooflineConfig) {
    const a = config.arch;
    const tp = config.tensor_parallel_size;
    this.tp = tp;
    const k = a.experts > 0 ? a.experts_per_token : 1;
    const attn = attentionParamsPerLayer(a);
    const mlp = mlpParams(a);
    this.linearFlopsPerToken = (2 * (a.layers * (attn + k * mlp) + a.hidden * a.vocab)) / tp;
    this.attnFlopsPerPair = (4 * a.layers * a.heads * headDim(a)) / tp;
    this.denseWeightBytes = ((a.layers * attn + a.vocab * a.hidden) * a.bytes_per_param) / tp;
    this.expertBytes = (a.layers * mlp * a.bytes_per_param) / tp;
    this.kvBytes = kvBytesPerToken(a) / tp;
    this.arBytesPerToken = 2 * a.layers * a.hidden * a.bytes_per_param;
    this.arFactor = tp > 1 ? (2 * (tp - 1)) / tp / config.gpu.link_bandwidth : 0;
    const c = config.coefficients;
    this.fixedNs = (c.per_step + c.per_layer * a.layers) * 1e9;
  }

  /** Expected number of distinct experts per layer a batch of `tokens` tokens routes to. */
  activeExperts(tokens: number): number {
    const a = this.config.arch;
    if (a.experts <= 0) return 1;
    return a.experts * (1 - Math.pow(1 - a.experts_per_token / a.experts, tokens));
  }

  /** The roofline times (seconds) before coefficients. */
  terms(shape: BatchShape): RooflineTerms {
    const g = this.config.gpu;
    const tokens = shape.prefillTokens + shape.decodeRequests;
    return {
      prefillCompute: (shape.prefillTokens * this.linearFlopsPerToken + shape.prefillAttentionTokens * this.attnFlopsPerPair) / g.flops,
      decodeCompute: (shape.decodeRequests * this.linearFlopsPerToken + shape.decodeContextTokens * this.attnFlopsPerPair) / g.flops,
      weights: (this.denseWeightBytes + this.activeExperts(tokens) * this.expertBytes) / g.hbm_bandwidth,
      kv: ((shape.decodeContextTokens + shape.prefillTokens) * this.kvBytes) / g.hbm_bandwidth,
      allReduce: tokens * this.arBytesPerToken * this.arFactor,
    };
  }

  seconds(shape: BatchShape): number {
    const c = this.config.coefficients;
    const t = this.terms(shape);
    const compute = c.prefill_compute * t.prefillCompute + c.decode_compute * t.decodeCompute;
    const memory = c.weights * t.weights + c.kv * t.kv;
    return Math.max(compute, memory) + c.tp_comm * t.allReduce + c.per_request * shape.numRequests + this.fixedNs / 1e9;
  }

  forwardNs(shape: BatchShape): number {
    const c = this.config.coefficients;
    const t = this.terms(shape);
    const compute = c.prefill_compute * t.prefillCompute + c.decode_compute * t.decodeCompute;
    const memory = c.weights * t.weights + c.kv * t.kv;
    const ns = (Math.max(compute, memory) + c.tp_comm * t.allReduce + c.per_request * shape.numRequests) * 1e9 + this.fixedNs;
    return Math.max(1, Math.round(ns));
  }

  get tensorParallelSize(): number {
    return this.tp;
  }
}
