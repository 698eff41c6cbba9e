// The fully resolved configuration a simulation runs from (defaults applied, units converted).
// The scenario loader produces it from YAML; tests may build it directly.
import type { SchedulerConfig } from '../scheduler/scheduler-output.js';
import type { SchedulerTimeConfig, StepTimeConfig } from '../timing/step-time.js';
import type { RequestSpec } from '../workload/request-spec.js';
import type { RandomStreams } from '../engine/random.js';

export interface ObservabilityConfig {
  readonly enableJourneyTracing: boolean;
  readonly journeyTracingSampleRate: number;
  readonly stepTracingEnabled: boolean;
  readonly stepTracingSampleRate: number;
  readonly stepTracingRichSubsampleRate: number;
  readonly stepTracingClosureInterval: number;
}

export interface FrontendConfig {
  /** API receipt (api.ARRIVED) to the engine's add_request, seconds. */
  readonly inputDelay: number;
  /** An engine output to the client receiving it, seconds. */
  readonly outputDelay: number;
}

export interface SimulationConfig {
  readonly name: string;
  readonly seed: number;
  readonly engine: SchedulerConfig;
  readonly observability: ObservabilityConfig;
  readonly modelName: string;
  readonly stepTime: StepTimeConfig;
  readonly schedulerTime: SchedulerTimeConfig;
  readonly frontend: FrontendConfig;
  /** Fixed epoch for OTEL timestamps, in ns since 1970. */
  readonly epochNs: bigint;
  /** The workload as a lazy stream of requests in arrival order. */
  readonly workload: (streams: RandomStreams) => Iterable<RequestSpec>;
  /** After a run: what reading the inputs had to report (e.g. skipped trace rows), for stderr. */
  readonly inputNotes?: () => readonly string[];
}
