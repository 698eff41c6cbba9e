// The comparison of two traces: resources, then each pair of spans (fields, attributes, events).
// Every difference is collected with the time it happens on EXPECTED's clock, so the report can
// name the earliest one: in a simulation, everything after the first divergence is its consequence.
import { compareEvents } from './compare-events.js';
import { pairSpans, type SpanPair } from './match.js';
import type { Attributes, Difference, DiffOptions, DiffResult, Location, TraceFile, TraceSpan } from './model.js';
import { indexTrace, type TraceIndex } from './normalise.js';
import { compareAttributes, renderTime, timesMatch, type Side, type ValueContext } from './values.js';

const ID_FIELDS: ReadonlySet<string> = new Set(['traceId', 'spanId', 'parentSpanId']);

/**
 * Ids and resources differ whenever seeds do, as a consequence of something else: they are ordered
 * after every difference of content, so that the first difference reported is one that explains.
 */
const isIdentity = (d: Difference): boolean => d.resource !== undefined || (d.field === true && ID_FIELDS.has(d.attribute ?? ''));

class Collector {
  private readonly entries: { difference: Difference; identity: boolean; atNs: bigint | undefined; sequence: number }[] = [];
  private readonly spans = new Set<number>();
  private readonly events = new Set<string>();
  private attributes = 0;

  add(difference: Difference, atNs: bigint | undefined, pair?: number, eventKey?: string): void {
    this.entries.push({ difference, identity: isIdentity(difference), atNs, sequence: this.entries.length });
    if (pair !== undefined) this.spans.add(pair);
    if (eventKey !== undefined) this.events.add(`${pair}/${eventKey}`);
    if (difference.kind === 'value') this.attributes++;
  }

  result(compared: DiffResult['compared']): DiffResult {
    // Content before identity; then by time (resources have none: first); ties in the order found.
    const sorted = [...this.entries].sort((a, b) => {
      if (a.identity !== b.identity) return a.identity ? 1 : -1;
      if (a.atNs !== b.atNs) {
        if (a.atNs === undefined) return -1;
        if (b.atNs === undefined) return 1;
        return a.atNs < b.atNs ? -1 : 1;
      }
      return a.sequence - b.sequence;
    });
    const differences = sorted.map((entry) => entry.difference);
    const counts = { spans: this.spans.size, events: this.events.size, attributes: this.attributes };
    return { equivalent: differences.length === 0, differences, counts, compared };
  }
}

function compareResources(expected: readonly Attributes[], actual: readonly Attributes[], context: ValueContext, out: Collector): void {
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === undefined) out.add({ kind: 'extra-resource', resource: i + 1 }, undefined);
    else if (a === undefined) out.add({ kind: 'missing-resource', resource: i + 1 }, undefined);
    else for (const d of compareAttributes(e, a, context)) out.add({ kind: 'value', resource: i + 1, ...d }, undefined);
  }
}

/** Where a span's times count from: its request's arrival in --real mode, else EXPECTED's start. */
function sideOf(index: TraceIndex, span: TraceSpan, options: DiffOptions, expected: TraceIndex): Side {
  const request = options.real ? index.requestOfSpan.get(span.index) : undefined;
  if (request !== undefined) return { index, epochNs: request.arrivalNs, monoNs: request.arrivalMonoNs ?? 0n, reference: 'arrival' };
  return traceSide(index, options, expected);
}

/** Times from the start of EXPECTED (exact mode), or from each trace's first arrival (--real). */
function traceSide(index: TraceIndex, options: DiffOptions, expected: TraceIndex): Side {
  if (!options.real) return { index, epochNs: expected.startNs, monoNs: 0n };
  return { index, epochNs: index.origin.epochNs, monoNs: index.origin.monoNs ?? 0n, reference: 'the first arrival' };
}

/** Span fields compared as values: ids only outside --real mode (a real trace's ids are random). */
function spanFields(span: TraceSpan, real: boolean): [string, string][] {
  const fields: [string, string][] = [
    ['scope', JSON.stringify(span.scope)],
    ['kind', String(span.kind)],
    ['status.code', String(span.statusCode)],
    ['status.message', JSON.stringify(span.statusMessage)],
  ];
  if (!real) fields.push(['traceId', span.traceId], ['spanId', span.spanId], ['parentSpanId', span.parentSpanId || '(none)'], ['flags', String(span.flags)]);
  return fields;
}

function comparePair(pair: SpanPair, pairIndex: number, expected: TraceIndex, actual: TraceIndex, options: DiffOptions, out: Collector): number {
  const e = pair.expected;
  const a = pair.actual;
  // Requests are named as EXPECTED has them; ACTUAL's id too when they were paired by arrival.
  const request = pair.expectedRequest ?? pair.actualRequest;
  const actualLabel = pair.expectedRequest !== undefined ? pair.actualRequest?.label : undefined;
  const where: Location = {
    ...(request !== undefined ? { request: request.label } : {}),
    ...(actualLabel !== undefined && actualLabel !== request?.label ? { actualRequest: actualLabel } : {}),
    span: pair.name,
  };
  if (e === undefined || a === undefined) {
    // A lone span: placed on EXPECTED's clock at its start, and described by its first event.
    const span = (e ?? a)!;
    const side = traceSide(e !== undefined ? expected : actual, options, expected);
    const first = span.events[0];
    const detail = `starts at ${renderTime(span.startNs - side.epochNs, side)}${first ? `, first event ${first.name}` : ''}, line ${span.line}`;
    // On EXPECTED's clock: in --real mode, ACTUAL's first arrival is aligned with EXPECTED's.
    const atNs = e !== undefined || !options.real ? span.startNs : span.startNs - side.epochNs + expected.origin.epochNs;
    out.add({ kind: e !== undefined ? 'missing-span' : 'extra-span', ...where, detail }, atNs, pairIndex);
    return span.events.length;
  }
  const context: ValueContext = { options, expected: sideOf(expected, e, options, expected), actual: sideOf(actual, a, options, expected) };
  const toExpectedClock = (ns: bigint): bigint => ns - context.actual.epochNs + context.expected.epochNs;
  const earlier = (x: bigint, y: bigint): bigint => (x < toExpectedClock(y) ? x : toExpectedClock(y));
  const eFields = new Map(spanFields(e, options.real));
  for (const [field, aValue] of spanFields(a, options.real)) {
    const eValue = eFields.get(field)!;
    if (eValue !== aValue) out.add({ kind: 'value', ...where, attribute: field, field: true, expected: eValue, actual: aValue }, earlier(e.startNs, a.startNs), pairIndex);
  }
  // The first step span starts at server start-up, which has nothing to do with the workload.
  const times: ['start' | 'end', bigint, bigint][] = [['end', e.endNs, a.endNs]];
  if (!(options.real && pair.role === 'steps' && pair.name === 'scheduler_steps_1')) times.unshift(['start', e.startNs, a.startNs]);
  for (const [field, eNs, aNs] of times) {
    const eRel = eNs - context.expected.epochNs;
    const aRel = aNs - context.actual.epochNs;
    if (!timesMatch(eRel, aRel, options.tolerance)) {
      out.add({ kind: 'value', ...where, attribute: field, field: true, expected: renderTime(eRel, context.expected), actual: renderTime(aRel, context.actual) }, earlier(eNs, aNs), pairIndex);
    }
  }
  for (const d of compareAttributes(e.attributes, a.attributes, context)) out.add({ kind: 'value', ...where, ...d }, earlier(e.startNs, a.startNs), pairIndex);
  return compareEvents(e.events, a.events, context, (difference, atNs, eventKey) => out.add({ ...where, ...difference }, atNs, pairIndex, eventKey));
}

export function compareTraces(expectedTrace: TraceFile, actualTrace: TraceFile, options: DiffOptions): DiffResult {
  const expected = indexTrace(expectedTrace, options.match);
  const actual = indexTrace(actualTrace, options.match);
  const out = new Collector();
  // A real server's resource (host, process, SDK) never matches a simulation's.
  if (!options.real) {
    const side: Side = { index: expected, epochNs: 0n, monoNs: 0n };
    compareResources(expectedTrace.resources, actualTrace.resources, { options, expected: side, actual: { ...side, index: actual } }, out);
  }
  const pairs = pairSpans(expected, actual, options.only);
  let events = 0;
  pairs.forEach((pair, i) => {
    events += comparePair(pair, i, expected, actual, options, out);
  });
  return out.result({ spans: pairs.length, events });
}
