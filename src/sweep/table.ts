// Human and spreadsheet output of sweeps and capacity searches: a fixed-width terminal table (the
// varied values and the key metrics) and CSV with every metric. Numbers are formatted with toFixed
// or String, never toLocaleString, so the text is the same in every locale.
import type { AxisValue } from './axes.js';
import type { CapacityEntry } from './capacity.js';
import type { Metrics } from './metrics.js';
import { metricNamesOf } from './metrics.js';
import type { SweepEntry } from './sweep.js';

interface Column {
  readonly title: string;
  readonly metric: string;
  readonly digits: number;
}

const SWEEP_COLUMNS: readonly Column[] = [
  { title: 'req/s', metric: 'request_throughput', digits: 2 },
  { title: 'goodput', metric: 'request_goodput', digits: 2 },
  { title: 'TTFT p50', metric: 'ttft_p50', digits: 1 },
  { title: 'TTFT p99', metric: 'ttft_p99', digits: 1 },
  { title: 'TPOT p50', metric: 'tpot_p50', digits: 1 },
  { title: 'ITL p99', metric: 'itl_p99', digits: 1 },
  { title: 'E2E p99', metric: 'e2el_p99', digits: 1 },
  { title: 'preempt', metric: 'num_preemptions', digits: 0 },
  { title: 'KV peak', metric: 'kv_usage_peak', digits: 3 },
];

function fixed(x: number | undefined, digits: number): string {
  return x !== undefined && Number.isFinite(x) ? x.toFixed(digits) : '-';
}

function cell(metrics: Metrics, ci95: SweepEntry['ci95'], column: Column): string {
  const value = fixed(metrics[column.metric], column.digits);
  const ci = ci95?.[column.metric];
  return ci === undefined ? value : `${value}±${fixed((ci[1] - ci[0]) / 2, column.digits)}`;
}

/** Right-aligned columns, two spaces apart, under a rule. */
export function layoutTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((text, c) => text.padStart(widths[c]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

function axisKeys(entries: readonly { readonly values: Readonly<Record<string, AxisValue>> }[]): string[] {
  return Object.keys(entries[0]?.values ?? {});
}

export interface TableRows {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export function formatSweepTable(entries: readonly SweepEntry[]): string {
  const { header, rows } = sweepTableRows(entries);
  return layoutTable(header, rows);
}

export function formatCapacityTable(entries: readonly CapacityEntry[], sloMetrics: readonly string[]): string {
  const { header, rows } = capacityTableRows(entries, sloMetrics);
  return layoutTable(header, rows);
}

/** The varied values and key metrics of each point (the terminal table and the report's table). */
export function sweepTableRows(entries: readonly SweepEntry[]): TableRows {
  const keys = axisKeys(entries);
  const columns = SWEEP_COLUMNS.filter((column) => entries.some((e) => column.metric in e.metrics));
  const withSlo = entries.some((e) => e.slo_met !== undefined);
  const header = ['#', ...keys, ...columns.map((c) => c.title), ...(withSlo ? ['SLO'] : [])];
  const rows = entries.map((e) => [
    String(e.index),
    ...keys.map((k) => String(e.values[k])),
    ...columns.map((column) => cell(e.metrics, e.ci95, column)),
    ...(withSlo ? [e.slo_met === true ? 'met' : 'MISSED'] : []),
  ]);
  return { header, rows };
}

export function capacityTableRows(entries: readonly CapacityEntry[], sloMetrics: readonly string[]): TableRows {
  const keys = axisKeys(entries);
  const withGoodput = entries.some((e) => e.request_goodput !== undefined);
  const header = ['#', ...keys, 'max req/s', ...(withGoodput ? ['goodput'] : []), ...sloMetrics.map((m) => `${m} @max`), 'probes', 'note'];
  const rows = entries.map((e) => {
    const note = e.bound === 'at_max' ? 'met at --rate-max' : e.bound === 'below_min' ? 'missed at --rate-min' : e.verified ? '' : 'not monotone: unverified';
    return [
      String(e.index),
      ...keys.map((k) => String(e.values[k])),
      e.max_rate === null ? '-' : fixed(e.max_rate, 3),
      ...(withGoodput ? [fixed(e.request_goodput, 2)] : []),
      ...sloMetrics.map((m) => fixed(e.metrics?.[m], 1)),
      String(e.probes.length),
      note,
    ];
  });
  return { header, rows };
}

function csvField(value: AxisValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per point: index, the varied values, every metric (means), intervals, SLO verdict. */
export function formatSweepCsv(entries: readonly SweepEntry[]): string {
  const keys = axisKeys(entries);
  const first = entries[0];
  const metrics = first !== undefined ? metricNamesOf(first.metrics) : [];
  const intervals = first?.ci95 !== undefined ? metrics.flatMap((m) => [`${m}_ci95_low`, `${m}_ci95_high`]) : [];
  const withSlo = first?.slo_met !== undefined;
  const header = ['index', ...keys, 'seeds', ...metrics, ...intervals, ...(withSlo ? ['slo_met'] : [])];
  const rows = entries.map((e) => [
    String(e.index),
    ...keys.map((k) => csvField(e.values[k])),
    String(e.seeds.length),
    ...metrics.map((m) => csvField(e.metrics[m])),
    ...(e.ci95 !== undefined ? metrics.flatMap((m) => [csvField(e.ci95?.[m]?.[0]), csvField(e.ci95?.[m]?.[1])]) : []),
    ...(withSlo ? [String(e.slo_met)] : []),
  ]);
  return [header.map(csvField), ...rows].map((row) => row.join(',')).join('\n') + '\n';
}
