// One run of a sweep: the scenario text with the sweep's --set flags and the point's overrides
// applied, one seed, and its metrics. Runs the same in a worker thread or in the main thread, and
// its result is plain data (structured-clone safe), so where it ran never shows in the output.
import { secondsToNs } from '../engine/time.js';
import { parseScenario } from '../scenario/load.js';
import type { SimulationConfig } from '../server/scenario-config.js';
import { runSimulation } from '../server/simulation.js';
import { flattenSummary, type Metrics } from './metrics.js';
import { ProbeRecorder, type StepSeries } from './probe-recorder.js';
import type { GoodputSlo } from './slo.js';

/** The scenario every run of a sweep starts from (read once by the main thread). */
export interface ScenarioSource {
  readonly text: string;
  readonly file: string;
  /** The sweep's own --set flags, applied before each point's values. */
  readonly sets: readonly string[];
  /** --seed: the base seed instead of the scenario's. */
  readonly seed?: number;
}

export interface RunJob {
  /** The main thread's key for this job; results are stored by it, never by arrival order. */
  readonly id: number;
  /** `--set` flags of the point (axes, and for capacity probes the rate). */
  readonly overrides: readonly string[];
  /** Added to the base seed: run j of a point with --seeds K uses seed base + j. */
  readonly seedOffset: number;
  readonly goodput?: GoodputSlo;
  /** Record the per-step time series (for the report's representative point). */
  readonly series?: boolean;
}

export interface RunOutcome {
  readonly seed: number;
  readonly metrics: Metrics;
  readonly series?: StepSeries;
}

/** Buckets in a step series: enough for a smooth plot, small enough to post between threads. */
export const SERIES_POINTS = 600;

export function loadPoint(source: ScenarioSource, overrides: readonly string[]): SimulationConfig {
  return parseScenario(source.text, source.file, [...source.sets, ...overrides]).config;
}

/**
 * Tracing is forced on only as far as the probe needs (journey records for goodput, every step's
 * summary for the series). Its random streams are separate from the workload's and the scheduler
 * never reads them, so the summary is the same as without it (test/sweep/run-point.test.ts).
 */
function probeConfig(config: SimulationConfig, job: RunJob): SimulationConfig {
  const observability = { ...config.observability };
  if (job.goodput !== undefined) Object.assign(observability, { enableJourneyTracing: true, journeyTracingSampleRate: 1 });
  else observability.enableJourneyTracing = false;
  if (job.series === true) Object.assign(observability, { stepTracingEnabled: true, stepTracingSampleRate: 1, stepTracingRichSubsampleRate: 0 });
  else observability.stepTracingEnabled = false;
  return { ...config, observability };
}

export async function runPoint(source: ScenarioSource, job: RunJob): Promise<RunOutcome> {
  const config = loadPoint(source, job.overrides);
  const seed = (source.seed ?? config.seed) + job.seedOffset;
  const probing = job.goodput !== undefined || job.series === true;
  const recorder = probing
    ? new ProbeRecorder({
        outputDelayNs: secondsToNs(config.frontend.outputDelay),
        ...(job.goodput !== undefined ? { goodput: job.goodput } : {}),
        ...(job.series === true ? { seriesPoints: SERIES_POINTS } : {}),
      })
    : null;
  const { summary } = await runSimulation(probing ? probeConfig(config, job) : config, { seed, trace: recorder });
  const goodput = job.goodput !== undefined && recorder !== null ? recorder.goodput(summary.duration_s) : undefined;
  const outcome: RunOutcome = { seed, metrics: flattenSummary(summary, goodput) };
  return recorder?.series !== undefined ? { ...outcome, series: recorder.series } : outcome;
}
