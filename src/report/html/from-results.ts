// What the report of a sweep or of a capacity search shows, as a page model: facts about the run,
// then sections each with a sentence of explanation and a chart or a table. The x axis of the
// latency plots is the arrival rate when it was varied; the other varied values name a
// "configuration", one line per configuration.
import type { AxisValue } from '../../sweep/axes.js';
import type { CapacityEntry } from '../../sweep/capacity.js';
import type { DocumentHeader, SweepDocumentFrame } from '../../sweep/document.js';
import { GOODPUT_METRIC, type Metrics } from '../../sweep/metrics.js';
import type { StepSeries } from '../../sweep/probe-recorder.js';
import type { SweepEntry } from '../../sweep/sweep.js';
import { capacityTableRows, sweepTableRows, type TableRows } from '../../sweep/table.js';
import { frontierChart, latencyChart, seriesChart, timeSeriesChart, type FrontierRow, type LatencyRow, type SeriesRow, type VerdictRow } from './charts.js';
import type { TopLevelSpec } from 'vega-lite';

export interface ReportSection {
  readonly title: string;
  readonly text: string;
  readonly chart?: TopLevelSpec;
  readonly table?: TableRows;
}

export interface ReportModel {
  readonly title: string;
  readonly facts: readonly (readonly [string, string])[];
  readonly sections: readonly ReportSection[];
}

/** A run whose step series the report plots, and which point it is. */
export interface SeriesOf {
  readonly label: string;
  readonly series: StepSeries;
}

const RATE_KEY = 'workload.rate';
const LATENCY_PANELS = [
  ['ttft', 'TTFT'],
  ['tpot', 'TPOT'],
  ['itl', 'ITL'],
  ['e2el', 'E2E latency'],
] as const;
const STATS = ['p50', 'p90', 'p99'] as const;

/** `max_num_seqs=128, block_size=16`: the last part of each key is enough to tell them apart. */
export function configLabel(values: Readonly<Record<string, AxisValue>>, except: string | undefined, fallback: string): string {
  const parts = Object.entries(values)
    .filter(([key]) => key !== except)
    .map(([key, value]) => `${key.slice(key.lastIndexOf('.') + 1)}=${String(value)}`);
  return parts.length > 0 ? parts.join(', ') : fallback;
}

/** The rate if it was varied, else the first axis whose values are all numbers, else the index. */
function chooseX(header: DocumentHeader): string | undefined {
  if (header.axes.some((a) => a.key === RATE_KEY)) return RATE_KEY;
  return header.axes.find((a) => a.values.every((v) => typeof v === 'number'))?.key;
}

interface Observation {
  readonly x: number;
  readonly config: string;
  readonly metrics: Metrics;
}

function latencyRows(observations: readonly Observation[]): LatencyRow[] {
  return observations.flatMap(({ x, config, metrics }) =>
    LATENCY_PANELS.flatMap(([key, latency]) => STATS.map((stat) => ({ x, config, latency, stat, ms: metrics[`${key}_${stat}`] ?? Number.NaN }))),
  );
}

function metricRows(observations: readonly Observation[], metrics: readonly (readonly [string, string])[]): SeriesRow[] {
  return observations.flatMap(({ x, config, metrics: m }) =>
    metrics.filter(([name]) => name in m).map(([name, series]) => ({ x, config, series, value: m[name]! })),
  );
}

function commonFacts(header: DocumentHeader): [string, string][] {
  const seeds = Number(header.seeds);
  const facts: [string, string][] = [
    ['scenario', String(header.scenario)],
    ['varied', header.axes.map((a) => `${a.key} = ${a.values.map(String).join(', ')}`).join('; ') || '(nothing)'],
    ['seeds per point', seeds > 1 ? `${seeds} (means, with Student t 95 % intervals in the table)` : '1'],
  ];
  const sets = header.set as readonly string[];
  if (sets.length > 0) facts.push(['--set', sets.join(' ')]);
  const slos = header.slo as readonly string[];
  if (slos.length > 0) facts.push(['SLOs', slos.join(', ')]);
  if (header.goodput !== null) {
    const g = header.goodput as Record<string, number>;
    facts.push(['goodput bounds (per request, ms)', Object.entries(g).map(([k, v]) => `${k} ≤ ${v}`).join(', ')]);
  }
  return facts;
}

function trendSections(observations: readonly Observation[], xTitle: string): ReportSection[] {
  return [
    {
      title: 'Latency against load',
      text: 'Percentiles of each latency as a client measures it; one colour per configuration, one dash per percentile. The knee is where queueing starts.',
      chart: latencyChart(latencyRows(observations), xTitle),
    },
    {
      title: 'Throughput and goodput',
      text: 'Completed requests per second, and goodput as vllm bench serve defines it: completed requests per second whose own TTFT, TPOT and E2E latency all meet their bounds.',
      chart: seriesChart(metricRows(observations, [['request_throughput', 'throughput'], [GOODPUT_METRIC, 'goodput']]), xTitle, 'requests/s'),
    },
    {
      title: 'Preemptions',
      text: 'Requests evicted from the KV cache (recomputed later) over the whole run: the sign that the cache, not the GPU, is the limit.',
      chart: seriesChart(metricRows(observations, [['num_preemptions', 'preemptions']]), xTitle, 'preemptions'),
    },
  ];
}

function seriesSection(series: SeriesOf | undefined): ReportSection[] {
  if (series === undefined) return [];
  return [
    {
      title: `Over time: ${series.label}`,
      text: 'KV cache usage, running and waiting requests, and preemptions of one run, step by step (each point is the highest value within a short slice of simulated time).',
      chart: timeSeriesChart(series.series),
    },
  ];
}

export function sweepReportModel(frame: SweepDocumentFrame<SweepEntry>, series?: SeriesOf): ReportModel {
  const header = frame.header;
  const xKey = chooseX(header);
  const fallback = String(header.scenario);
  const observations = frame.points.map((e) => ({
    x: xKey !== undefined ? (e.values[xKey] as number) : e.index,
    config: configLabel(e.values, xKey, fallback),
    metrics: e.metrics,
  }));
  const xTitle = xKey === RATE_KEY ? 'arrival rate (requests/s)' : (xKey ?? 'point');
  const sections = [...trendSections(observations, xTitle)];
  if (frame.points.some((e) => e.slo_met !== undefined)) {
    const verdicts: VerdictRow[] = frame.points.map((e, i) => ({ x: observations[i]!.x, config: observations[i]!.config, verdict: e.slo_met ? 'met' : 'missed' }));
    const best = new Map<string, number>();
    for (const v of verdicts) if (v.verdict === 'met') best.set(v.config, Math.max(best.get(v.config) ?? -Infinity, v.x));
    const frontier: FrontierRow[] = [...best].map(([config, rate]) => ({ config, rate }));
    sections.push({
      title: 'SLO frontier',
      text: 'Every point tried, met or missed; the bar reaches the highest value of the sweep that met every SLO (simtrace capacity searches between the grid points).',
      chart: frontierChart(frontier, verdicts, xTitle),
    });
  }
  sections.push(...seriesSection(series), { title: 'Points', text: 'Latencies in ms, throughputs per second.', table: sweepTableRows(frame.points) });
  return { title: `simtrace sweep: ${fallback}`, facts: [...commonFacts(header), ['points', String(frame.points.length)]], sections };
}

export function capacityReportModel(frame: SweepDocumentFrame<CapacityEntry>, series?: SeriesOf): ReportModel {
  const header = frame.header;
  const fallback = String(header.scenario);
  const labelled = frame.points.map((e) => ({ entry: e, config: configLabel(e.values, undefined, fallback) }));
  const observations = labelled.flatMap(({ entry, config }) =>
    [...entry.probes].sort((a, b) => a.rate - b.rate).map((p) => ({ x: p.rate, config, metrics: p.metrics })),
  );
  const xTitle = 'arrival rate (requests/s)';
  const frontier = labelled.filter(({ entry }) => entry.max_rate !== null).map(({ entry, config }) => ({ config, rate: entry.max_rate! }));
  const verdicts: VerdictRow[] = labelled.flatMap(({ entry, config }) => entry.probes.map((p) => ({ x: p.rate, config, verdict: p.pass ? 'met' : 'missed' })));
  const slos = header.slo as readonly string[];
  const first = frame.points[0];
  const sections: ReportSection[] = [
    {
      title: 'SLO frontier',
      text: `The highest arrival rate meeting ${slos.join(' and ')} for each configuration (bar), and every rate the search probed (points).`,
      chart: frontierChart(frontier, verdicts, xTitle),
    },
    ...trendSections(observations, xTitle),
    ...seriesSection(series),
    // An SLO's text begins with its metric name (ttft_p99<1s), which is the column to show.
    { title: 'Configurations', text: 'Latencies in ms at the highest rate found.', table: capacityTableRows(frame.points, slos.map((s) => s.split(/[<=]/)[0]!)) },
  ];
  const facts = [...commonFacts(header), ...(first !== undefined ? [['search', first.searched] as [string, string]] : [])];
  return { title: `simtrace capacity: ${fallback}`, facts, sections };
}
