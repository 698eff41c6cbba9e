// What a point reports when it ran with several seeds: each metric's mean over the seeds and its
// Student t 95 % interval. With one seed the metrics are that run's, and there is no interval.
import { metricNamesOf, type Metrics } from './metrics.js';
import type { RunOutcome } from './run-point.js';
import { estimate } from './stats.js';

export interface Aggregate {
  readonly metrics: Metrics;
  /** Present with two seeds or more. */
  readonly ci95?: Readonly<Record<string, readonly [number, number]>>;
}

export function aggregateRuns(outcomes: readonly RunOutcome[]): Aggregate {
  const first = outcomes[0];
  if (first === undefined) throw new Error('internal: a point with no runs');
  if (outcomes.length === 1) return { metrics: first.metrics };
  const metrics: Metrics = {};
  const ci95: Record<string, readonly [number, number]> = {};
  for (const name of metricNamesOf(first.metrics)) {
    const e = estimate(outcomes.map((o) => o.metrics[name] ?? Number.NaN));
    metrics[name] = e.mean;
    if (e.ci95 !== undefined) ci95[name] = e.ci95;
  }
  return { metrics, ci95 };
}
