// The scenario `simtrace replay TRACE` and `simtrace compare` use when no --scenario is given: vLLM's
// defaults for one Llama-3.1-8B-Instruct replica on one H100-80GB, overridden by whatever the trace
// itself says about the deployment that served it (TraceHints: a measured run's workload.json and
// exp-config.yaml, a TraceV2 header's server block, an OTLP file's kv.blocks_total_gpu):
//
//   engine:  block_size 16, num_gpu_blocks 26313 (421k tokens of KV: Llama-3.1-8B in bf16 at
//            gpu_memory_utilization 0.9, the BLIS anchor), max_model_len 131072 (the model's context),
//            max_num_seqs 256, max_num_batched_tokens 2048 (vLLM's defaults), chunked prefill and
//            prefix caching on, fcfs
//   model:   the trace's model name, else meta-llama/Llama-3.1-8B-Instruct; the linear step time of
//            the shipped scenarios (6 ms + 40 us per prefill token + 150 us per decode request +
//            0.01 us per context token), an uncalibrated stand-in until a model is calibrated
//   measured runs (format `measured`): the run's model, its tensor parallelism, H100, the roofline
//            step time with the shipped coefficients (src/model/default-coefficients.ts) and their
//            fitted frontend.input_delay, and async scheduling on (the runs had it on, vLLM's default)
//   tracing: journey and step tracing on (step sample rate 1%), so --trace-out has something to write
//
// The result is YAML text, so that --set overrides and error messages work as for a scenario file.
import { basename } from 'node:path';
import { stringify } from 'yaml';
import type { TraceFormat } from './detect.js';
import type { TraceHints } from './trace-row.js';
import { DEFAULT_COEFFICIENTS } from '../../model/default-coefficients.js';
import { lookupModel } from '../../model/catalog.js';

export const BUILT_IN_BASE_NAME = '<built-in replay base>';

const DEFAULT_ENGINE = {
  block_size: 16,
  num_gpu_blocks: 26313,
  max_num_seqs: 256,
  max_num_batched_tokens: 2048,
  max_model_len: 131072,
  enable_chunked_prefill: true,
  enable_prefix_caching: true,
  scheduling_policy: 'fcfs',
};

/** A scenario name from the trace's file or folder name. */
export function replayName(path: string): string {
  return `replay-${basename(path).replace(/\.(csv|jsonl?|ya?ml)$/i, '')}`;
}

/** The built-in base scenario for replaying `path`, as YAML text (see the head comment). */
export function builtInBaseYaml(path: string, format: TraceFormat, hints: TraceHints): string {
  const measured = format === 'measured' && hints.modelName !== undefined && lookupModel(hints.modelName) !== undefined;
  const engine = { ...DEFAULT_ENGINE, ...hints.engine, ...(measured ? { async_scheduling: true } : {}) };
  // The pool must hold one request of max_model_len, as vLLM requires at start-up.
  const blocksNeeded = Math.ceil(engine.max_model_len / engine.block_size) + 1;
  if (engine.num_gpu_blocks < blocksNeeded) engine.max_model_len = (engine.num_gpu_blocks - 1) * engine.block_size;
  const scenario = {
    name: replayName(path),
    seed: 0,
    engine,
    observability: { enable_journey_tracing: true, step_tracing_enabled: true, step_tracing_sample_rate: 0.01 },
    model: measured
      ? { name: hints.modelName, gpu: 'H100', tensor_parallel_size: hints.tensorParallelSize ?? 1 }
      : {
          name: hints.modelName ?? 'meta-llama/Llama-3.1-8B-Instruct',
          step_time: { type: 'linear', base: '6ms', per_prefill_token: '40us', per_decode_token: '150us', per_context_token: '0.01us' },
        },
    ...(measured ? { frontend: { input_delay: DEFAULT_COEFFICIENTS.frontend.input_delay } } : {}),
    workload: { trace: { path, format } },
  };
  return stringify(scenario);
}

/** The --set override that puts a trace in place of a base scenario's workload. */
export function traceWorkloadOverride(path: string, format: TraceFormat): string {
  return `workload={trace: {path: ${JSON.stringify(path)}, format: ${format}}}`;
}
