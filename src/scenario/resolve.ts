// Turns a validated scenario into the SimulationConfig the simulation runs from.
import type { SimulationConfig } from '../server/scenario-config.js';
import { prepareWorkload } from '../workload/index.js';
import { resolveBatchLimits, type Scenario } from './schema.js';
import { numGpuBlocksOf, resolveStepTime } from './model-resolve.js';

/** `baseDir` is the scenario file's folder: relative paths in the scenario (a trace) start there. */
export function resolveScenario(scenario: Scenario, fallbackName: string, baseDir = '.'): SimulationConfig {
  const e = scenario.engine;
  const o = scenario.observability;
  const { maxNumSeqs, maxNumBatchedTokens } = resolveBatchLimits(e);
  const workload = prepareWorkload(scenario.workload, baseDir);
  return {
    name: scenario.name ?? fallbackName,
    seed: scenario.seed,
    engine: {
      maxNumSeqs,
      maxNumBatchedTokens,
      maxModelLen: e.max_model_len,
      enableChunkedPrefill: e.enable_chunked_prefill,
      longPrefillTokenThreshold: e.long_prefill_token_threshold,
      policy: e.scheduling_policy,
      blockSize: e.block_size,
      numGpuBlocks: numGpuBlocksOf(scenario, baseDir),
      enablePrefixCaching: e.enable_prefix_caching,
      // Optional in SchedulerConfig (absent = sync), so it is only set when on.
      ...(e.async_scheduling ? { asyncScheduling: true } : {}),
    },
    observability: {
      enableJourneyTracing: o.enable_journey_tracing,
      journeyTracingSampleRate: o.journey_tracing_sample_rate,
      stepTracingEnabled: o.step_tracing_enabled,
      stepTracingSampleRate: o.step_tracing_sample_rate,
      stepTracingRichSubsampleRate: o.step_tracing_rich_subsample_rate,
      stepTracingClosureInterval: o.step_tracing_closure_interval,
    },
    modelName: scenario.model.name,
    stepTime: resolveStepTime(scenario.model, baseDir),
    schedulerTime: scenario.model.scheduler_time,
    frontend: { inputDelay: scenario.frontend.input_delay, outputDelay: scenario.frontend.output_delay },
    epochNs: BigInt(Date.parse(scenario.clock.epoch.replace(/\.\d+Z$/, 'Z'))) * 1_000_000n + fractionNs(scenario.clock.epoch),
    workload,
    inputNotes: workload.notes,
  };
}

/** The sub-millisecond part of an ISO time, which Date.parse would drop. */
function fractionNs(iso: string): bigint {
  const match = /\.(\d{1,9})Z$/.exec(iso);
  if (!match) return 0n;
  return BigInt(match[1]!.padEnd(9, '0'));
}
