// `simtrace sweep`: every point of the product of the axes, each run with K seeds, as jobs on an
// executor (the worker pool, or the main thread in tests). Job j of point k has id k·K + j and its
// result is stored under that id, so the document is the same whatever ran the jobs, in whatever
// order they finished.
import { InputError } from '../scenario/problems.js';
import { aggregateRuns } from './aggregate.js';
import { allPoints, describePoint, pointOverrides, type Axis, type AxisValue, type SweepPoint } from './axes.js';
import { DOCUMENT_VERSION, type DocumentHeader, type PointEntry, type SweepDocumentFrame } from './document.js';
import type { Metrics } from './metrics.js';
import type { StepSeries } from './probe-recorder.js';
import { loadPoint, type RunJob, type RunOutcome, type ScenarioSource } from './run-point.js';
import { inShard, type Shard } from './shard.js';
import { meetsAll, type GoodputSlo, type Slo } from './slo.js';

/** What runs jobs: the worker pool, or anything with the same promise (tests run in-process). */
export interface RunExecutor {
  run(job: RunJob): Promise<RunOutcome>;
}

export interface SweepPlan {
  readonly source: ScenarioSource;
  /** The scenario's name (from the file as loaded), for the document. */
  readonly scenario: string;
  readonly axes: readonly Axis[];
  /** Seeds per point (--seeds K): base, base+1, ..., base+K-1. */
  readonly seeds: number;
  /** Points are marked with whether their (mean) metrics meet every SLO. */
  readonly slos: readonly Slo[];
  readonly goodput?: GoodputSlo;
  readonly shard?: Shard;
}

export interface SweepEntry extends PointEntry {
  readonly values: Readonly<Record<string, AxisValue>>;
  readonly seeds: readonly number[];
  readonly metrics: Metrics;
  readonly ci95?: Readonly<Record<string, readonly [number, number]>>;
  readonly slo_met?: boolean;
  /** Each seed's own metrics, with two seeds or more. */
  readonly runs?: readonly { readonly seed: number; readonly metrics: Metrics }[];
}

/** Units of the metrics, stated once in every document. */
export const UNITS = { latency: 'ms', throughput: 'per second', duration_s: 's' } as const;

/** The header fields sweep and capacity documents share, in their output order. */
export function commonHeader(kind: 'sweep' | 'capacity', plan: SweepPlan) {
  return {
    simtrace: kind,
    version: DOCUMENT_VERSION,
    scenario: plan.scenario,
    set: plan.source.sets,
    seed: plan.source.seed ?? null,
    seeds: plan.seeds,
    axes: plan.axes,
    slo: plan.slos.map((slo) => slo.text),
    goodput: plan.goodput ?? null,
  };
}

export function sweepHeader(plan: SweepPlan): DocumentHeader {
  return { ...commonHeader('sweep', plan), units: UNITS };
}

/**
 * Loads every point before anything runs, so a bad value fails in a second with exit 2 and a
 * message naming the point, instead of after an hour of simulation.
 */
export function validatePoints(source: ScenarioSource, points: readonly SweepPoint[], extra: readonly string[] = []): void {
  for (const point of points) {
    try {
      loadPoint(source, [...pointOverrides(point), ...extra]);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const name = `point ${point.index} (${describePoint(point)})`;
      throw new InputError(error.problems.map((p) => ({ ...p, file: `${name}: ${p.file}` })));
    }
  }
}

export function selectPoints(axes: readonly Axis[], shard: Shard | undefined): SweepPoint[] {
  return allPoints(axes).filter((point) => inShard(point.index, shard));
}

function entryOf(point: SweepPoint, outcomes: readonly RunOutcome[], slos: readonly Slo[]): SweepEntry {
  const { metrics, ci95 } = aggregateRuns(outcomes);
  return {
    index: point.index,
    values: point.values,
    seeds: outcomes.map((o) => o.seed),
    metrics,
    ...(ci95 !== undefined ? { ci95 } : {}),
    ...(slos.length > 0 ? { slo_met: meetsAll(metrics, slos) } : {}),
    ...(outcomes.length > 1 ? { runs: outcomes.map((o) => ({ seed: o.seed, metrics: o.metrics })) } : {}),
  };
}

export async function runSweep(plan: SweepPlan, executor: RunExecutor, onRunDone: () => void = () => {}): Promise<SweepDocumentFrame<SweepEntry>> {
  const points = selectPoints(plan.axes, plan.shard);
  const K = plan.seeds;
  const outcomes: RunOutcome[][] = points.map(() => []);
  await Promise.all(
    points.flatMap((point, p) =>
      Array.from({ length: K }, async (_, j) => {
        const job: RunJob = {
          id: point.index * K + j,
          overrides: pointOverrides(point),
          seedOffset: j,
          ...(plan.goodput !== undefined ? { goodput: plan.goodput } : {}),
        };
        outcomes[p]![j] = await executor.run(job);
        onRunDone();
      }),
    ),
  );
  const entries = points.map((point, p) => entryOf(point, outcomes[p]!, plan.slos));
  return { header: sweepHeader(plan), ...(plan.shard !== undefined ? { shard: plan.shard } : {}), points: entries };
}

/**
 * The per-step time series of one configuration (for the report), from one extra run with step
 * sampling forced to 1: the sweep's own runs stay as cheap as a plain `simtrace run`.
 */
export async function recordSeries(executor: RunExecutor, overrides: readonly string[]): Promise<StepSeries | undefined> {
  return (await executor.run({ id: -1, overrides, seedOffset: 0, series: true })).series;
}
