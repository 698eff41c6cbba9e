// Service-level objectives. Two kinds, as capacity planning uses them:
//  - aggregate SLOs on a run's latency statistics, `--slo 'ttft_p99<2s'` (LATENCY_STAT OP BOUND UNIT);
//  - per-request SLOs for goodput, `--goodput 'ttft:1000 tpot:50'`, in `vllm bench serve --goodput`'s
//    syntax (milliseconds): a completed request is good when each of its own TTFT, TPOT and E2EL is
//    at most its bound (vLLM compares `slo >= value`, so the bound itself is good).
import { InputError } from '../scenario/problems.js';
import { LATENCIES, LATENCY_STATS, type Metrics } from './metrics.js';

export interface Slo {
  /** As the user wrote it (normalised spacing): `ttft_p99<2s`. */
  readonly text: string;
  /** A metric name of metrics.ts: `ttft_p99`. */
  readonly metric: string;
  readonly op: '<' | '<=';
  readonly boundMs: number;
}

/** Per-request bounds in ms; the keys `vllm bench serve --goodput` accepts. */
export interface GoodputSlo {
  readonly ttft?: number;
  readonly tpot?: number;
  readonly e2el?: number;
}

export const GOODPUT_KEYS = ['ttft', 'tpot', 'e2el'] as const;

const SLO_PATTERN = new RegExp(`^(${LATENCIES.join('|')})_(${LATENCY_STATS.join('|')})\\s*(<=|<)\\s*((?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:e[+-]?\\d+)?)\\s*(ms|s)$`, 'i');

function sloError(flag: string, text: string, message: string): InputError {
  return new InputError([{ file: `${flag} ${text}`, path: '', message }]);
}

export function parseSlo(text: string): Slo {
  const m = SLO_PATTERN.exec(text.trim());
  if (!m) {
    throw sloError(
      '--slo',
      text,
      `expected METRIC<BOUND or METRIC<=BOUND with a unit ms or s, such as ttft_p99<2s or itl_p50<=50ms; METRIC is one of {${LATENCIES.join(',')}}_{${LATENCY_STATS.join(',')}}`,
    );
  }
  const metric = `${m[1]!.toLowerCase()}_${m[2]!.toLowerCase()}`;
  const op = m[3] as '<' | '<=';
  const unit = m[5]!.toLowerCase();
  const boundMs = Number(m[4]) * (unit === 's' ? 1000 : 1);
  return { text: `${metric}${op}${m[4]}${unit}`, metric, op, boundMs };
}

/** Whether a run's metrics meet one SLO. A missing or NaN value (nothing completed) does not. */
export function meetsSlo(metrics: Metrics, slo: Slo): boolean {
  const value = metrics[slo.metric];
  if (value === undefined || Number.isNaN(value)) return false;
  return slo.op === '<' ? value < slo.boundMs : value <= slo.boundMs;
}

export function meetsAll(metrics: Metrics, slos: readonly Slo[]): boolean {
  return slos.every((slo) => meetsSlo(metrics, slo));
}

/** `ttft:1000 tpot:50` (space or comma separated; ms, or a unit ms/s). */
export function parseGoodput(text: string): GoodputSlo {
  const bounds: Record<string, number> = {};
  for (const item of text.split(/[\s,]+/).filter((s) => s !== '')) {
    const m = /^(\w+):((?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)(ms|s)?$/i.exec(item);
    const key = m?.[1]?.toLowerCase();
    if (!m || key === undefined || !(GOODPUT_KEYS as readonly string[]).includes(key)) {
      throw sloError('--goodput', text, `expected KEY:MILLISECONDS items with KEY one of ${GOODPUT_KEYS.join(', ')}, such as "ttft:1000 tpot:50", found ${JSON.stringify(item)}`);
    }
    if (key in bounds) throw sloError('--goodput', text, `${key} is given twice`);
    bounds[key] = Number(m[2]) * ((m[3] ?? 'ms').toLowerCase() === 's' ? 1000 : 1);
  }
  if (Object.keys(bounds).length === 0) throw sloError('--goodput', text, 'expected at least one KEY:MILLISECONDS item, such as ttft:1000');
  return orderedGoodput(bounds);
}

function orderedGoodput(bounds: Readonly<Record<string, number>>): GoodputSlo {
  const out: Record<string, number> = {};
  for (const key of GOODPUT_KEYS) if (bounds[key] !== undefined) out[key] = bounds[key];
  return out;
}

/**
 * Per-request bounds implied by aggregate SLOs when no --goodput is given: `ttft_p99<2s` means
 * requests should see TTFT of at most 2 s, so 2000 becomes the ttft bound. With several SLOs on one
 * metric the largest bound is taken (the p99 bound is the one that speaks of single requests).
 * Undefined when no SLO is on ttft, tpot or e2el.
 */
export function goodputFromSlos(slos: readonly Slo[]): GoodputSlo | undefined {
  const bounds: Record<string, number> = {};
  for (const slo of slos) {
    const key = slo.metric.slice(0, slo.metric.indexOf('_'));
    if (!(GOODPUT_KEYS as readonly string[]).includes(key)) continue;
    bounds[key] = Math.max(bounds[key] ?? 0, slo.boundMs);
  }
  return Object.keys(bounds).length > 0 ? orderedGoodput(bounds) : undefined;
}

/** `ttft:2000 tpot:50`, the form --goodput takes. */
export function formatGoodput(goodput: GoodputSlo): string {
  return GOODPUT_KEYS.filter((key) => goodput[key] !== undefined)
    .map((key) => `${key}:${goodput[key]}`)
    .join(' ');
}
