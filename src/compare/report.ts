// How `simtrace compare` prints a comparison: a table in ms for people, or JSON in seconds for
// scripts. Numbers are formatted with toFixed (locale-independent).
import type { Comparison, MetricComparison } from './stats.js';

const METRICS = [
  ['TTFT', 'ttft'],
  ['E2E', 'e2e'],
  ['ITL', 'itl'],
] as const;
const STATS = ['mean', 'p50', 'p90', 'p99'] as const;

const ms = (seconds: number) => (Number.isFinite(seconds) ? (seconds * 1000).toFixed(2) : 'n/a');
const pct = (value: number | null) => (value === null || !Number.isFinite(value) ? 'n/a' : `${value >= 0 ? '+' : ''}${value.toFixed(1)}`);

export function formatComparison(title: string, c: Comparison): string {
  const lines = [
    `simtrace compare: ${title}`,
    `${c.requests.matched} requests matched (${c.requests.real} measured, ${c.requests.simulated} completed in simulation)`,
    '='.repeat(56),
    `${'metric'.padEnd(8)}${'stat'.padEnd(6)}${'real (ms)'.padStart(14)}${'sim (ms)'.padStart(14)}${'error %'.padStart(10)}`,
  ];
  for (const [label, key] of METRICS) {
    const m: MetricComparison = c[key];
    for (const stat of STATS) {
      const s = m[stat];
      lines.push(`${label.padEnd(8)}${stat.padEnd(6)}${ms(s.real).padStart(14)}${ms(s.sim).padStart(14)}${pct(s.error_pct).padStart(10)}`);
    }
  }
  lines.push('-'.repeat(56));
  lines.push(`Request-level MAPE: TTFT ${c.request_mape.ttft.toFixed(1)} %, E2E ${c.request_mape.e2e.toFixed(1)} %`);
  return `${lines.join('\n')}\n`;
}

/** The JSON document: metrics in seconds (NaN, for an empty side, becomes null). */
export function comparisonJson(c: Comparison): string {
  return `${JSON.stringify(c, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`;
}
