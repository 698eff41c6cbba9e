// `simtrace capacity`: for each configuration (a point of the --vary axes), the highest
// workload.rate that meets every SLO (capacity-search.ts), probing each rate with K seeds on the
// executor. Configurations are searched concurrently; each search is sequential, and depends only
// on its own probes' results, so the document does not depend on the number of workers.
import { parseScenario } from '../scenario/load.js';
import { InputError } from '../scenario/problems.js';
import { aggregateRuns, type Aggregate } from './aggregate.js';
import { pointOverrides, type AxisValue, type SweepPoint } from './axes.js';
import { describeSearch, searchMaxRate, type SearchOptions, type SearchResult, type SearchStage } from './capacity-search.js';
import type { DocumentHeader, PointEntry, SweepDocumentFrame } from './document.js';
import { GOODPUT_METRIC, type Metrics } from './metrics.js';
import type { RunOutcome } from './run-point.js';
import { meetsAll } from './slo.js';
import { commonHeader, selectPoints, UNITS, type RunExecutor, type SweepPlan } from './sweep.js';

export const RATE_KEY = 'workload.rate';

/** A sweep plan (the configurations to search) plus how to search each one's rate. */
export interface CapacityPlan extends SweepPlan {
  /** --rate-start; by default each configuration starts from its scenario's workload.rate. */
  readonly search: Omit<SearchOptions, 'start'> & { readonly start?: number };
}

export interface ProbeEntry {
  readonly rate: number;
  readonly stage: SearchStage;
  readonly pass: boolean;
  readonly metrics: Metrics;
}

export interface CapacityEntry extends PointEntry {
  readonly values: Readonly<Record<string, AxisValue>>;
  readonly max_rate: number | null;
  readonly bound: SearchResult<unknown>['bound'];
  readonly verified: boolean;
  readonly non_monotone: readonly number[];
  /** vLLM's request_goodput at max_rate (requests/s meeting the per-request bounds). */
  readonly request_goodput?: number;
  /** Metrics at max_rate (means over the seeds), and their intervals with several seeds. */
  readonly metrics?: Metrics;
  readonly ci95?: Aggregate['ci95'];
  readonly searched: string;
  readonly probes: readonly ProbeEntry[];
}


/** The start rate of a configuration: --rate-start, or the scenario's workload.rate. */
export function startRate(plan: CapacityPlan, point: SweepPoint): number {
  if (plan.search.start !== undefined) return plan.search.start;
  const { scenario } = parseScenario(plan.source.text, plan.source.file, [...plan.source.sets, ...pointOverrides(point)]);
  const rate = scenario.workload.rate;
  if (rate === undefined) {
    throw new InputError([{ file: plan.source.file, path: RATE_KEY, message: 'capacity searches workload.rate, so the workload must be generated (give workload.rate), or pass --rate-start' }]);
  }
  return rate;
}

/** The --set flags of a configuration at one arrival rate. */
export function rateOverrides(point: SweepPoint, rate: number): string[] {
  return [...pointOverrides(point), `${RATE_KEY}=${String(rate)}`];
}

function capacityHeader(plan: CapacityPlan): DocumentHeader {
  const { start, min, max, relTol, verify, verifySpan, maxRounds } = plan.search;
  return {
    ...commonHeader('capacity', plan),
    search: { start: start ?? null, min, max, rel_tol: relTol, verify, verify_span: verifySpan, max_rounds: maxRounds },
    units: UNITS,
  };
}

export async function runCapacity(plan: CapacityPlan, executor: RunExecutor, onRunDone: () => void = () => {}): Promise<SweepDocumentFrame<CapacityEntry>> {
  const points = selectPoints(plan.axes, plan.shard);
  let nextId = 0;
  const runAt = (point: SweepPoint, rate: number, seedOffset: number): Promise<RunOutcome> =>
    executor.run({
      // Ids only pair a reply with its job in the pool; nothing in the output depends on them.
      id: nextId++,
      overrides: rateOverrides(point, rate),
      seedOffset,
      ...(plan.goodput !== undefined ? { goodput: plan.goodput } : {}),
    });
  const probeAt = async (point: SweepPoint, rate: number) => {
    const outcomes = await Promise.all(
      Array.from({ length: plan.seeds }, async (_, j) => {
        const outcome = await runAt(point, rate, j);
        onRunDone();
        return outcome;
      }),
    );
    const aggregate = aggregateRuns(outcomes);
    return { pass: meetsAll(aggregate.metrics, plan.slos), aggregate };
  };
  const entries = await Promise.all(
    points.map(async (point): Promise<CapacityEntry> => {
      const options: SearchOptions = { ...plan.search, start: startRate(plan, point) };
      const result = await searchMaxRate((rate) => probeAt(point, rate), options);
      const best = result.probes.find((p) => p.rate === result.maxRate)?.result.aggregate;
      const goodput = best?.metrics[GOODPUT_METRIC];
      return {
        index: point.index,
        values: point.values,
        max_rate: result.maxRate,
        bound: result.bound,
        verified: result.verified,
        non_monotone: result.nonMonotone,
        ...(goodput !== undefined ? { request_goodput: goodput } : {}),
        ...(best !== undefined ? { metrics: best.metrics, ...(best.ci95 !== undefined ? { ci95: best.ci95 } : {}) } : {}),
        searched: `${describeSearch(options, plan.seeds)}; ${result.probes.length} rates probed`,
        probes: result.probes.map((p) => ({ rate: p.rate, stage: p.stage, pass: p.pass, metrics: p.result.aggregate.metrics })),
      };
    }),
  );
  return { header: capacityHeader(plan), ...(plan.shard !== undefined ? { shard: plan.shard } : {}), points: entries };
}
