// The scenario file's schema (contract section 2). Engine and tracing keys are vLLM's own
// `vllm serve` flag names, so a deployment's flags copy into a scenario and back. Unknown keys are
// rejected everywhere (strict objects); the loader adds a did-you-mean.
import { z } from 'zod';
import { workloadSchema } from '../workload/index.js';
import { nonNegativeDuration, positiveDuration, probability } from './units.js';
import { stepCoefficientsSchema } from '../timing/roofline.js';
import { checkModel, numGpuBlocksOf } from './model-resolve.js';

const positiveInt = z.number().int().positive();

export const engineSchema = z.strictObject({
  block_size: positiveInt.default(16),
  /** Includes the null block, as in vLLM. Derived from model.gpu and the model when left out. */
  num_gpu_blocks: z.number().int().min(2).optional(),
  max_num_seqs: positiveInt.optional(),
  max_num_batched_tokens: positiveInt.optional(),
  max_model_len: positiveInt.default(4096),
  enable_chunked_prefill: z.boolean().default(true),
  long_prefill_token_threshold: z.number().int().nonnegative().default(0),
  enable_prefix_caching: z.boolean().default(true),
  scheduling_policy: z.enum(['fcfs', 'priority']).default('fcfs'),
  /** On by default, as in vLLM (its executors resolve `None` to true); false gives the sync engine loop. */
  async_scheduling: z.boolean().default(true),
});

export const observabilitySchema = z.strictObject({
  enable_journey_tracing: z.boolean().default(false),
  journey_tracing_sample_rate: probability.default(1.0),
  step_tracing_enabled: z.boolean().default(false),
  step_tracing_sample_rate: probability.default(0.01),
  step_tracing_rich_subsample_rate: probability.default(0.001),
  step_tracing_closure_interval: z.number().int().min(10).max(10000).default(100),
});

const constantStepTime = z.strictObject({ type: z.literal('constant'), duration: positiveDuration });
const linearStepTime = z.strictObject({
  type: z.literal('linear'),
  base: nonNegativeDuration.default(0),
  per_prefill_token: nonNegativeDuration.default(0),
  per_decode_token: nonNegativeDuration.default(0),
  per_context_token: nonNegativeDuration.default(0),
});

const rooflineStepTime = z.strictObject({
  type: z.literal('roofline'),
  /** Overrides of the shipped coefficients, or a coefficients file (YAML/JSON, from simtrace calibrate). */
  coefficients: z
    .union([
      z.string().min(1),
      z.strictObject({ ...stepCoefficientsSchema.shape, input_delay: nonNegativeDuration.optional(), completion_delay: nonNegativeDuration.optional() }),
    ])
    .optional(),
});

const architectureSchema = z.strictObject({
  layers: positiveInt,
  hidden: positiveInt,
  heads: positiveInt,
  kv_heads: positiveInt,
  head_dim: positiveInt.optional(),
  intermediate: positiveInt,
  experts: z.number().int().nonnegative().default(0),
  experts_per_token: z.number().int().nonnegative().default(0),
  vocab: positiveInt,
  bytes_per_param: z.number().positive().default(2),
  tie_embeddings: z.boolean().optional(),
});

export const modelSchema = z.strictObject({
  /** Reported as gen_ai.response.model; a built-in model's name also gives its architecture. */
  name: z.string().min(1).default('simtrace/model'),
  /** The model's dimensions inline, or a path to a Hugging Face config.json; else the catalog's by name. */
  architecture: z.union([z.string().min(1), architectureSchema]).optional(),
  /** A catalog GPU (H100, H200, A100-80GB, L40S). */
  gpu: z.string().min(1).default('H100'),
  tensor_parallel_size: positiveInt.default(1),
  gpu_memory_utilization: z.number().positive().max(1).default(0.9),
  /** Bytes per GPU kept back from the KV pool for activations (vLLM profiles it); 1.5 GiB by default. */
  activation_reserve: z.number().nonnegative().optional(),
  /** Default: the roofline with the shipped coefficients (needs a known or given architecture). */
  step_time: z.discriminatedUnion('type', [constantStepTime, linearStepTime, rooflineStepTime]).optional(),
  /** The scheduler's own CPU time per step (step.duration_us); vLLM leaves it implicit. */
  scheduler_time: z
    .strictObject({
      base: nonNegativeDuration.default(20e-6),
      per_running_request: nonNegativeDuration.default(0.5e-6),
    })
    .prefault({}),
});

export const frontendSchema = z.strictObject({
  input_delay: nonNegativeDuration.default(0),
  output_delay: nonNegativeDuration.default(0),
});

export const clockSchema = z.strictObject({
  epoch: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/, 'expected an ISO 8601 UTC time such as 2026-01-01T00:00:00Z')
    .default('2026-01-01T00:00:00Z'),
});

export const scenarioSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    seed: z.number().int().nonnegative().default(0),
    engine: engineSchema,
    observability: observabilitySchema.prefault({}),
    model: modelSchema,
    frontend: frontendSchema.prefault({}),
    clock: clockSchema.prefault({}),
    workload: workloadSchema,
  })
  .superRefine((scenario, ctx) => {
    if (!checkModel(scenario.model, scenario.engine.num_gpu_blocks === undefined, ctx)) return;
    // A config.json path is read at resolve time, relative to the scenario file.
    if (scenario.engine.num_gpu_blocks === undefined && typeof scenario.model.architecture === 'string') return;
    checkEngineLimits({ ...scenario.engine, num_gpu_blocks: numGpuBlocksOf(scenario) }, ctx);
  });

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
type EngineFields = z.output<typeof engineSchema>;

/** vLLM's defaulting rules for the two batch limits (spec A.0). */
export function resolveBatchLimits(engine: EngineFields): { maxNumSeqs: number; maxNumBatchedTokens: number } {
  let maxNumBatchedTokens = engine.max_num_batched_tokens;
  if (maxNumBatchedTokens === undefined) {
    maxNumBatchedTokens = 2048;
    if (!engine.enable_chunked_prefill) maxNumBatchedTokens = Math.max(engine.max_model_len, maxNumBatchedTokens);
    const seqsForCap = engine.max_num_seqs ?? 256;
    maxNumBatchedTokens = Math.min(maxNumBatchedTokens, seqsForCap * engine.max_model_len);
  }
  const maxNumSeqs = engine.max_num_seqs ?? Math.min(256, maxNumBatchedTokens);
  return { maxNumSeqs, maxNumBatchedTokens };
}

/** The configurations vLLM itself refuses to start with. */
function checkEngineLimits(engine: EngineFields & { num_gpu_blocks: number }, ctx: z.core.$RefinementCtx): void {
  const { maxNumSeqs, maxNumBatchedTokens } = resolveBatchLimits(engine);
  if (maxNumBatchedTokens < maxNumSeqs) {
    ctx.addIssue({
      code: 'custom',
      path: ['engine', 'max_num_batched_tokens'],
      message: `max_num_batched_tokens (${maxNumBatchedTokens}) must be greater than or equal to max_num_seqs (${maxNumSeqs}), as vLLM requires`,
    });
  }
  if (!engine.enable_chunked_prefill && maxNumBatchedTokens < engine.max_model_len) {
    ctx.addIssue({
      code: 'custom',
      path: ['engine', 'max_num_batched_tokens'],
      message: `with chunked prefill off, max_num_batched_tokens (${maxNumBatchedTokens}) must be at least max_model_len (${engine.max_model_len}), as vLLM requires`,
    });
  }
  const blocksForOneRequest = Math.ceil(engine.max_model_len / engine.block_size);
  if (blocksForOneRequest > engine.num_gpu_blocks - 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['engine', 'num_gpu_blocks'],
      message: `${engine.num_gpu_blocks - 1} usable blocks of ${engine.block_size} tokens cannot hold one request of max_model_len ${engine.max_model_len} (${blocksForOneRequest} blocks needed); vLLM refuses to start. Raise num_gpu_blocks or lower max_model_len`,
    });
  }
}
