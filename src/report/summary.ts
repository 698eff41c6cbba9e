// The run summary: the numbers `simtrace run` prints, named as `vllm bench serve` names them
// (ttft, tpot, itl, e2el; *_ms) plus what only a simulator can see (preemptions, KV usage).
import { NS_PER_MS, NS_PER_S } from '../engine/time.js';
import type { MetricsCollector } from './metrics.js';
import type { Distribution, LatencySamples } from './latency-samples.js';

export const PERCENTILES = [50, 90, 99] as const;

export interface LatencyStats {
  readonly mean: number;
  readonly median: number;
  readonly std: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

export interface RunSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly partial: boolean;
  readonly num_requests: number;
  readonly completed: number;
  readonly aborted: number;
  readonly rejected: number;
  readonly finished_stopped: number;
  readonly finished_length: number;
  readonly duration_s: number;
  readonly total_input_tokens: number;
  readonly total_output_tokens: number;
  readonly request_throughput: number;
  readonly output_throughput: number;
  readonly total_token_throughput: number;
  readonly ttft_ms: LatencyStats;
  readonly tpot_ms: LatencyStats;
  readonly itl_ms: LatencyStats;
  readonly e2el_ms: LatencyStats;
  readonly queue_ms: LatencyStats;
  readonly num_preemptions: number;
  readonly prefix_cache_queries: number;
  readonly prefix_cache_hits: number;
  readonly prefix_cache_hit_rate: number;
  readonly kv_usage_peak: number;
  readonly kv_usage_mean: number;
  readonly peak_running: number;
  readonly peak_waiting: number;
  readonly num_steps: number;
  /** Present when the workload mixes priorities: latencies per priority value. */
  readonly by_priority?: Readonly<Record<string, { readonly completed: number; readonly ttft_ms: LatencyStats; readonly e2el_ms: LatencyStats }>>;
  readonly trace?: { readonly spans: number; readonly events: number; readonly undelivered_spans: number };
}

/** Latency statistics in ms of a distribution of ns values (exact samples or a histogram). */
function latencyStats(d: Distribution): LatencyStats {
  const toMs = (ns: number) => ns / NS_PER_MS;
  return {
    mean: toMs(d.mean()),
    median: toMs(d.percentile(50)),
    std: toMs(d.std()),
    p50: toMs(d.percentile(50)),
    p90: toMs(d.percentile(90)),
    p99: toMs(d.percentile(99)),
  };
}

/** Exact up to EXACT_CAP values, within the histogram's 1/2048 relative error beyond. */
function statsOf(samples: LatencySamples): LatencyStats {
  return latencyStats(samples.distribution());
}

export function buildSummary(
  m: MetricsCollector,
  info: {
    scenario: string;
    seed: number;
    partial: boolean;
    durationNs: number;
    prefixQueries: number;
    prefixHits: number;
  },
): RunSummary {
  const durationS = info.durationNs / NS_PER_S;
  const per = (x: number) => (durationS > 0 ? x / durationS : 0);
  return {
    scenario: info.scenario,
    seed: info.seed,
    partial: info.partial,
    num_requests: m.arrived,
    completed: m.completed,
    aborted: m.aborted,
    rejected: m.rejected,
    finished_stopped: m.finishedStopped,
    finished_length: m.finishedLength,
    duration_s: durationS,
    total_input_tokens: m.inputTokens,
    total_output_tokens: m.outputTokens,
    request_throughput: per(m.completed),
    output_throughput: per(m.outputTokens),
    total_token_throughput: per(m.inputTokens + m.outputTokens),
    ttft_ms: statsOf(m.ttftNs),
    tpot_ms: statsOf(m.tpotNs),
    itl_ms: latencyStats(m.itlNs),
    e2el_ms: statsOf(m.e2eNs),
    queue_ms: statsOf(m.queueNs),
    num_preemptions: m.preemptions,
    prefix_cache_queries: info.prefixQueries,
    prefix_cache_hits: info.prefixHits,
    prefix_cache_hit_rate: info.prefixQueries > 0 ? info.prefixHits / info.prefixQueries : 0,
    kv_usage_peak: m.peakKvUsage,
    kv_usage_mean: m.meanKvUsage(),
    peak_running: m.peakRunning,
    peak_waiting: m.peakWaiting,
    num_steps: m.steps,
    ...(m.byPriority.size > 1 ? { by_priority: byPriority(m) } : {}),
  };
}

function byPriority(m: MetricsCollector): NonNullable<RunSummary['by_priority']> {
  const out: Record<string, { completed: number; ttft_ms: LatencyStats; e2el_ms: LatencyStats }> = {};
  for (const priority of [...m.byPriority.keys()].sort((a, b) => a - b)) {
    const cls = m.byPriority.get(priority)!;
    out[String(priority)] = { completed: cls.completed, ttft_ms: statsOf(cls.ttftNs), e2el_ms: statsOf(cls.e2eNs) };
  }
  return out;
}

/** Fixed-format numbers: the same text on every machine and locale. */
function fmt(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

export function formatSummary(s: RunSummary): string {
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(34)}${value}`);
  lines.push(`simtrace: ${s.scenario} (seed ${s.seed})${s.partial ? '  [PARTIAL: run stopped early]' : ''}`);
  lines.push('='.repeat(60));
  row('Requests arrived:', String(s.num_requests));
  row('Requests completed:', `${s.completed} (stopped ${s.finished_stopped}, length ${s.finished_length})`);
  row('Requests aborted:', String(s.aborted));
  row('Requests rejected:', String(s.rejected));
  row('Simulated duration (s):', fmt(s.duration_s, 3));
  row('Request throughput (req/s):', fmt(s.request_throughput, 2));
  row('Output token throughput (tok/s):', fmt(s.output_throughput, 2));
  row('Total token throughput (tok/s):', fmt(s.total_token_throughput, 2));
  lines.push('-'.repeat(60));
  lines.push(`${'Latency (ms)'.padEnd(14)}${['mean', 'p50', 'p90', 'p99'].map((h) => h.padStart(11)).join('')}`);
  const latency = (label: string, st: LatencyStats) =>
    lines.push(`${label.padEnd(14)}${[st.mean, st.p50, st.p90, st.p99].map((v) => fmt(v, 2).padStart(11)).join('')}`);
  latency('TTFT', s.ttft_ms);
  latency('TPOT', s.tpot_ms);
  latency('ITL', s.itl_ms);
  latency('E2E', s.e2el_ms);
  latency('Queue', s.queue_ms);
  for (const [priority, cls] of Object.entries(s.by_priority ?? {})) {
    latency(`TTFT prio ${priority}`, cls.ttft_ms);
    latency(`E2E prio ${priority}`, cls.e2el_ms);
  }
  lines.push('-'.repeat(60));
  row('Preemptions:', String(s.num_preemptions));
  row('Prefix cache hit rate:', `${fmt(s.prefix_cache_hit_rate * 100, 2)} % (${s.prefix_cache_hits}/${s.prefix_cache_queries} tokens)`);
  row('KV cache usage peak / mean:', `${fmt(s.kv_usage_peak, 3)} / ${fmt(s.kv_usage_mean, 3)}`);
  row('Peak running / waiting:', `${s.peak_running} / ${s.peak_waiting}`);
  row('Scheduler steps:', String(s.num_steps));
  if (s.trace) {
    row('Trace spans / events:', `${s.trace.spans} / ${s.trace.events}`);
    if (s.trace.undelivered_spans > 0) row('Spans NOT delivered to OTLP:', String(s.trace.undelivered_spans));
  }
  return lines.join('\n') + '\n';
}
