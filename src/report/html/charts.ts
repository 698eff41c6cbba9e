// The report's plots as Vega-Lite specifications: pure data in, a spec out (rendered to SVG by
// render.ts). Vega-Lite rather than hand-drawn SVG: axes, legends, scales and faceting come from a
// grammar that is tested far beyond what a report of ours could be. Every mark's data is inline, so
// rendering never loads anything.
import type { TopLevelSpec } from 'vega-lite';
import type { StepSeries } from '../../sweep/probe-recorder.js';

export interface LatencyRow {
  readonly x: number;
  readonly config: string;
  readonly latency: string;
  readonly stat: string;
  readonly ms: number;
}

/** One value of one named series at x, for a configuration (preemptions, throughput, goodput). */
export interface SeriesRow {
  readonly x: number;
  readonly config: string;
  readonly series: string;
  readonly value: number;
}

export interface FrontierRow {
  readonly config: string;
  /** The highest rate meeting every SLO. */
  readonly rate: number;
}

export interface VerdictRow {
  readonly x: number;
  readonly config: string;
  readonly verdict: 'met' | 'missed';
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 320;
const HEIGHT = 200;
// Fixed colours for verdicts, so green always means "met" whatever the order of the data.
// Dash legends drawn as strokes in a neutral colour (points would hide the dash pattern).
// (Vega-Lite leaves these symbols without a stroke colour, so the encoding sets it.)
const DASH_LEGEND = { symbolType: 'stroke', symbolStrokeWidth: 2, encode: { symbols: { update: { stroke: { value: '#444' } } } } } as const;
const VERDICT_SCALE = { domain: ['met', 'missed'], range: ['#2ca02c', '#d62728'] };

function finite<T>(rows: readonly T[], value: (row: T) => number): T[] {
  return rows.filter((row) => Number.isFinite(value(row)));
}

/** Latency percentiles against the x axis (usually the arrival rate), one panel per latency. */
export function latencyChart(rows: readonly LatencyRow[], xTitle: string): TopLevelSpec {
  const latencies = [...new Set(rows.map((r) => r.latency))];
  return {
    $schema: SCHEMA,
    // Log scale: near saturation latency grows by orders of magnitude. Zeros (a queue delay of
    // nothing) have no place on it and are left out.
    data: { values: rows.filter((r) => Number.isFinite(r.ms) && r.ms > 0) },
    facet: { field: 'latency', type: 'nominal', title: null, sort: latencies, header: { labelFontSize: 13 } },
    columns: 2,
    spec: {
      width: WIDTH,
      height: HEIGHT,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: xTitle },
        y: { field: 'ms', type: 'quantitative', title: 'ms (log scale)', scale: { type: 'log' } },
        color: { field: 'config', type: 'nominal', title: 'configuration' },
        strokeDash: { field: 'stat', type: 'nominal', title: 'statistic', sort: ['mean', 'p50', 'p90', 'p99'], legend: DASH_LEGEND },
      },
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** Lines of named series against x, coloured by configuration. */
export function seriesChart(rows: readonly SeriesRow[], xTitle: string, yTitle: string): TopLevelSpec {
  const several = new Set(rows.map((r) => r.series)).size > 1;
  const values = finite(rows, (r) => r.value);
  // From 0, and up to at least 1: an all-zero series (no preemptions) would otherwise get an empty domain.
  const top = Math.max(1, ...values.map((r) => r.value));
  return {
    $schema: SCHEMA,
    width: WIDTH * 2,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle },
      y: { field: 'value', type: 'quantitative', title: yTitle, scale: { domain: [0, top], nice: true } },
      color: { field: 'config', type: 'nominal', title: 'configuration' },
      ...(several ? { strokeDash: { field: 'series', type: 'nominal', title: null, legend: DASH_LEGEND } } : {}),
    },
  };
}

/**
 * The SLO frontier: every rate tried, met or missed, per configuration, with a bar to the highest
 * rate that met every SLO.
 */
export function frontierChart(frontier: readonly FrontierRow[], verdicts: readonly VerdictRow[], xTitle: string): TopLevelSpec {
  const configs = [...new Set([...frontier.map((f) => f.config), ...verdicts.map((v) => v.config)])];
  const y = { field: 'config', type: 'nominal', title: null, sort: configs } as const;
  return {
    $schema: SCHEMA,
    width: WIDTH * 2,
    height: { step: 36 },
    layer: [
      {
        data: { values: finite(frontier, (f) => f.rate) },
        mark: { type: 'bar', color: '#c7e9c0', height: 18 },
        encoding: { x: { field: 'rate', type: 'quantitative', title: xTitle }, y },
      },
      {
        data: { values: finite(verdicts, (v) => v.x) },
        mark: { type: 'point', filled: true, size: 60, opacity: 0.85 },
        encoding: {
          x: { field: 'x', type: 'quantitative' },
          y,
          color: { field: 'verdict', type: 'nominal', title: 'SLOs', scale: VERDICT_SCALE },
          shape: { field: 'verdict', type: 'nominal', scale: { domain: VERDICT_SCALE.domain, range: ['circle', 'cross'] } },
        },
      },
      {
        data: { values: finite(frontier, (f) => f.rate) },
        mark: { type: 'text', align: 'left', dx: 6, dy: -14, fontWeight: 'bold' },
        encoding: { x: { field: 'rate', type: 'quantitative' }, y, text: { field: 'rate', type: 'quantitative', format: '.3~f' } },
      },
    ],
  };
}

/** KV usage, queue depths and preemptions over virtual time for one run. */
export function timeSeriesChart(series: StepSeries): TopLevelSpec {
  const kv = series.t_s.map((t, i) => ({ t, kv: series.kv_usage[i]! }));
  const depths = series.t_s.flatMap((t, i) => [
    { t, queue: 'running', depth: series.running[i]! },
    { t, queue: 'waiting', depth: series.waiting[i]! },
  ]);
  const preemptions = series.t_s.map((t, i) => ({ t, n: series.preemptions[i]! })).filter((r) => r.n > 0);
  const x = { field: 't', type: 'quantitative', title: 'simulated time (s)' } as const;
  const end = series.t_s[series.t_s.length - 1] ?? 0;
  return {
    $schema: SCHEMA,
    // One time axis for all panels, so a preemption lines up with the KV usage that caused it.
    resolve: { scale: { x: 'shared' } },
    vconcat: [
      {
        width: WIDTH * 2,
        height: 140,
        data: { values: kv },
        mark: { type: 'area', line: true, opacity: 0.5 },
        encoding: { x, y: { field: 'kv', type: 'quantitative', title: 'KV cache usage', scale: { domain: [0, 1] } } },
      },
      {
        width: WIDTH * 2,
        height: 140,
        data: { values: depths },
        mark: { type: 'line' },
        encoding: { x, y: { field: 'depth', type: 'quantitative', title: 'requests' }, color: { field: 'queue', type: 'nominal', title: 'queue' } },
      },
      {
        width: WIDTH * 2,
        height: 80,
        // Without preemptions the panel still shows its (empty) time axis, and says so.
        data: { values: preemptions.length > 0 ? preemptions : [{ t: end, n: 0 }] },
        // Rules from 0, not bars: bars would pad the shared time axis below 0.
        mark: { type: 'rule', color: '#d62728', strokeWidth: 2 },
        encoding: {
          x,
          y2: { datum: 0 },
          y: { field: 'n', type: 'quantitative', title: preemptions.length > 0 ? 'preemptions' : 'preemptions (none)', scale: { domainMin: 0, domainMax: Math.max(1, ...preemptions.map((p) => p.n)) } },
        },
      },
    ],
  };
}
