// The metrics a sweep reports for each run: the run summary flattened to one level, with the names
// SLOs use (`ttft_p99`: the p99 of TTFT, in ms). One fixed order, so tables, CSV columns and JSON
// keys come out the same on every run.
import type { LatencyStats, RunSummary } from '../report/summary.js';

export const LATENCIES = ['ttft', 'tpot', 'itl', 'e2el', 'queue'] as const;
export const LATENCY_STATS = ['mean', 'p50', 'p90', 'p99'] as const;
export type LatencyName = (typeof LATENCIES)[number];
export type LatencyStat = (typeof LATENCY_STATS)[number];

const COUNTS = ['num_requests', 'completed', 'aborted', 'rejected', 'duration_s'] as const;
const THROUGHPUTS = ['request_throughput', 'output_throughput', 'total_token_throughput'] as const;
const ENGINE = ['num_preemptions', 'prefix_cache_hit_rate', 'kv_usage_peak', 'kv_usage_mean', 'peak_running', 'peak_waiting', 'num_steps'] as const;

/** `vllm bench serve`'s goodput: completed requests meeting every per-request SLO, per second. */
export const GOODPUT_METRIC = 'request_goodput';

/** Every metric name, in output order (request_goodput is present only when goodput SLOs are set). */
export const METRIC_NAMES: readonly string[] = [
  ...COUNTS,
  ...THROUGHPUTS,
  GOODPUT_METRIC,
  ...LATENCIES.flatMap((latency) => LATENCY_STATS.map((stat) => `${latency}_${stat}`)),
  ...ENGINE,
];

/** Metric name -> value. NaN where a metric has no samples (no request completed); JSON writes null. */
export type Metrics = Record<string, number>;

function statsOf(summary: RunSummary, latency: LatencyName): LatencyStats {
  return summary[`${latency}_ms`];
}

/** The summary's metrics, flat, in METRIC_NAMES order; `goodput` is added when given. */
export function flattenSummary(summary: RunSummary, goodput?: number): Metrics {
  const metrics: Metrics = {};
  for (const name of [...COUNTS, ...THROUGHPUTS]) metrics[name] = summary[name];
  if (goodput !== undefined) metrics[GOODPUT_METRIC] = goodput;
  for (const latency of LATENCIES) {
    const stats = statsOf(summary, latency);
    for (const stat of LATENCY_STATS) metrics[`${latency}_${stat}`] = stats[stat];
  }
  for (const name of ENGINE) metrics[name] = summary[name];
  return metrics;
}

/** Metric names present in `metrics`, in output order. */
export function metricNamesOf(metrics: Metrics): string[] {
  return METRIC_NAMES.filter((name) => name in metrics);
}
