// A comparison's result for people (the first difference, then the totals) and for programs
// (`--json`: every difference as data). Deterministic: no dates, no locale formatting.
import { describeLocation } from './describe.js';
import type { Difference, DiffOptions, DiffResult } from './model.js';
import { formatMs } from './values.js';

export interface ReportNames {
  readonly expected: string;
  readonly actual: string;
}

/** One difference as a sentence: where, then what. */
export function describeDifference(d: Difference): string {
  const where = describeLocation(d);
  switch (d.kind) {
    case 'missing-span':
      return `${where}: span missing from ACTUAL (EXPECTED's ${d.detail})`;
    case 'extra-span':
      return `${where}: span only in ACTUAL (${d.detail})`;
    case 'missing-event':
      return `${where}: event missing from ACTUAL (EXPECTED has it ${d.expected})`;
    case 'extra-event':
      return `${where}: event only in ACTUAL (${d.actual})`;
    case 'reordered-event':
      return `${where}: event out of order: EXPECTED has it ${d.expected}, ACTUAL ${d.actual}`;
    case 'missing-resource':
      return `${where}: missing from ACTUAL`;
    case 'extra-resource':
      return `${where}: only in ACTUAL`;
    case 'value':
      return `${where}: expected ${d.expected ?? '(absent)'}, actual ${d.actual ?? '(absent)'}`;
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the options changed, so that a reader knows what "equivalent" meant. */
export function describeMode(options: DiffOptions): string[] {
  const notes: string[] = [];
  if (options.real) {
    notes.push(
      `--real: trace and span ids and resources not compared; requests matched by ${options.match === 'id' ? 'gen_ai.request.id' : 'arrival order'}; times from each request's arrival (step events: from the first arrival)`,
    );
  } else if (options.match === 'arrival') notes.push('requests matched by arrival order');
  const { absoluteNs, percent } = options.tolerance;
  if (absoluteNs > 0n || percent > 0) {
    const parts = [...(absoluteNs > 0n ? [formatMs(absoluteNs)] : []), ...(percent > 0 ? [`${percent}%`] : [])];
    notes.push(`times within ${parts.join(' or ')} count as equal`);
  }
  if (options.only !== undefined) notes.push(`only ${options.only === 'journeys' ? 'journey spans (llm_request, llm_core)' : 'step spans (scheduler_steps_<n>)'}`);
  if (options.ignore.length > 0) notes.push(`ignoring ${options.ignore.join(', ')}`);
  return notes;
}

export function formatTextReport(result: DiffResult, names: ReportNames, options: DiffOptions): string {
  const lines: string[] = [];
  const mode = describeMode(options);
  if (result.equivalent) {
    lines.push(`${names.expected} and ${names.actual} are equivalent (${plural(result.compared.spans, 'span')}, ${plural(result.compared.events, 'event')} compared)`);
  } else {
    const first = result.differences[0]!;
    const { spans, events, attributes } = result.counts;
    lines.push(`${names.expected} (EXPECTED) and ${names.actual} (ACTUAL) differ`);
    lines.push(`first difference: ${describeDifference(first)}`);
    lines.push(`in all: ${plural(spans, 'span')}, ${plural(events, 'event')} and ${plural(attributes, 'attribute')} differ (${plural(result.differences.length, 'difference')})`);
    // A different seed or scenario shows in the resource: say so, it often explains everything else.
    const resources = result.differences.filter((d) => d.resource !== undefined && d !== first);
    for (const d of resources.slice(0, 3)) lines.push(`also: ${describeDifference(d)}`);
  }
  for (const note of mode) lines.push(`(${note})`);
  return `${lines.join('\n')}\n`;
}

export function formatJsonReport(result: DiffResult, names: ReportNames, options: DiffOptions): string {
  const document = {
    equivalent: result.equivalent,
    expected: names.expected,
    actual: names.actual,
    mode: describeMode(options),
    counts: result.counts,
    compared: result.compared,
    differences: result.differences.map((d) => ({ ...d, message: describeDifference(d) })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
