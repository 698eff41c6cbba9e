// Real against simulated latencies, request by request. Only requests present on both sides count
// (completed in the simulation, measured without error), so both distributions describe the same
// requests. ITL is each request's decode time per token, (e2e - ttft) / (output_tokens - 1), on both
// sides with the same output count (the replayed request's), over requests of 2 or more tokens.
import { mean, percentileOfSorted } from '../report/percentile.js';
import type { Observed } from './observations.js';

export interface Simulated extends Observed {
  /** Output tokens the replayed request was to generate (the real request's count). */
  readonly outputTokens: number;
}

export interface StatComparison {
  readonly real: number;
  readonly sim: number;
  /** (sim - real) / real * 100; null when real is 0. */
  readonly error_pct: number | null;
}

export interface MetricComparison {
  readonly mean: StatComparison;
  readonly p50: StatComparison;
  readonly p90: StatComparison;
  readonly p99: StatComparison;
}

export interface Comparison {
  readonly ttft: MetricComparison;
  readonly e2e: MetricComparison;
  readonly itl: MetricComparison;
  /** Mean over matched requests of |sim - real| / real, in percent. */
  readonly request_mape: { readonly ttft: number; readonly e2e: number };
  readonly requests: { readonly real: number; readonly simulated: number; readonly matched: number };
}

function stat(real: number, sim: number): StatComparison {
  return { real, sim, error_pct: real === 0 ? null : ((sim - real) / real) * 100 };
}

function metric(real: number[], sim: number[]): MetricComparison {
  const r = Float64Array.from(real).sort();
  const s = Float64Array.from(sim).sort();
  return {
    mean: stat(mean(r), mean(s)),
    p50: stat(percentileOfSorted(r, 50), percentileOfSorted(s, 50)),
    p90: stat(percentileOfSorted(r, 90), percentileOfSorted(s, 90)),
    p99: stat(percentileOfSorted(r, 99), percentileOfSorted(s, 99)),
  };
}

/** Mean absolute percentage error over pairs with a non-zero real value. */
export function mape(real: readonly number[], sim: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < real.length; i++) {
    const r = real[i]!;
    if (r === 0) continue;
    sum += Math.abs(sim[i]! - r) / r;
    n++;
  }
  return n === 0 ? Number.NaN : (sum / n) * 100;
}

/** Matches the two sides by id (in the real side's order) and compares them. */
export function compareLatencies(real: ReadonlyMap<string, Observed>, simulated: ReadonlyMap<string, Simulated>): Comparison {
  const rt: number[] = [];
  const st: number[] = [];
  const re: number[] = [];
  const se: number[] = [];
  const ri: number[] = [];
  const si: number[] = [];
  for (const [id, r] of real) {
    const s = simulated.get(id);
    if (s === undefined) continue;
    rt.push(r.ttft);
    st.push(s.ttft);
    re.push(r.e2e);
    se.push(s.e2e);
    if (s.outputTokens >= 2) {
      ri.push((r.e2e - r.ttft) / (s.outputTokens - 1));
      si.push((s.e2e - s.ttft) / (s.outputTokens - 1));
    }
  }
  return {
    ttft: metric(rt, st),
    e2e: metric(re, se),
    itl: metric(ri, si),
    request_mape: { ttft: mape(rt, st), e2e: mape(re, se) },
    requests: { real: real.size, simulated: simulated.size, matched: rt.length },
  };
}
