// `simtrace compare`: replay what a real system served and set the simulated latencies beside the
// measured ones. The simulated side is recorded through each replayed request's onDone hook (the
// same hook multi-turn sessions use; request-spec.ts), so the server needs no comparison-specific
// code: the workload is wrapped, requests keep their ids, and outcomes land in a map by id.
import { RandomStreams } from '../engine/random.js';
import type { SimulationConfig } from '../server/scenario-config.js';
import { runSimulation, type RunResult } from '../server/simulation.js';
import type { RequestSpec } from '../workload/request-spec.js';
import { measuredObservations, otlpObservations, type Observed } from './observations.js';
import { loadReplayScenario, type ReplayScenario } from './replay-scenario.js';
import { compareLatencies, type Comparison, type Simulated } from './stats.js';

export interface CompareRequest {
  /** A measured run folder (with ground_truth.json), or undefined with `otlp`. */
  readonly measured?: string | undefined;
  /** An OTLP JSON-lines export of a real vLLM. */
  readonly otlp?: string | undefined;
  readonly scenario?: string | undefined;
  readonly set?: readonly string[] | undefined;
  readonly seed?: number | undefined;
}

export interface CompareResult {
  readonly comparison: Comparison;
  readonly replay: ReplayScenario;
  readonly run: RunResult;
}

/** The config with every replayed request reporting its completion into `into`, by id. */
export function recordingOutcomes(config: SimulationConfig, into: Map<string, Simulated>): SimulationConfig {
  // The roofline's fitted client-side completion overhead (last token to the end of the response at
  // the client), which the simulated frontend has no event for: it is added to E2E here.
  const completionNs = config.stepTime.type === 'roofline' ? (config.stepTime.completion_delay ?? 0) * 1e9 : 0;
  const wrap = (spec: RequestSpec): RequestSpec => ({
    ...spec,
    onDone: (outcome) => {
      if (spec.id !== undefined && outcome.firstOutputNs !== undefined && (outcome.status === 'stopped' || outcome.status === 'length')) {
        const planned = Math.min(spec.outputTokens ?? spec.maxTokens, spec.maxTokens);
        into.set(spec.id, {
          ttft: (outcome.firstOutputNs - outcome.arrivalNs) / 1e9,
          e2e: (outcome.doneNs + completionNs - outcome.arrivalNs) / 1e9,
          outputTokens: planned,
        });
      }
      const next = spec.onDone?.(outcome);
      return next === undefined ? undefined : wrap(next);
    },
  });
  const workload = (streams: RandomStreams): Iterable<RequestSpec> => {
    const source = config.workload(streams);
    return {
      *[Symbol.iterator]() {
        for (const spec of source) yield wrap(spec);
      },
    };
  };
  return { ...config, workload };
}

export async function runCompare(request: CompareRequest): Promise<CompareResult> {
  const trace = request.otlp ?? request.measured;
  if (trace === undefined) throw new Error('internal: compare needs a measured run or an OTLP file');
  const replay = loadReplayScenario({
    trace,
    format: request.otlp !== undefined ? 'otlp' : 'measured',
    scenario: request.scenario,
    set: request.set,
  });
  const real: Map<string, Observed> = request.otlp !== undefined ? otlpObservations(replay.tracePath) : measuredObservations(replay.tracePath);
  const simulated = new Map<string, Simulated>();
  const run = await runSimulation(recordingOutcomes(replay.config, simulated), request.seed !== undefined ? { seed: request.seed } : {});
  return { comparison: compareLatencies(real, simulated), replay, run };
}
