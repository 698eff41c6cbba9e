// What each span of a trace is, in vLLM's terms (spec C.2), and which request each journey span
// belongs to. Spans are matched through these identities, never through trace or span ids, which
// differ between any two runs that are not byte-identical.
import type { Attributes, TraceFile, TraceSpan } from './model.js';

export type SpanRole = 'request' | 'core' | 'steps' | 'other';

/** One request, as the journey spans of one trace show it. */
export interface RequestIdentity {
  /** How requests are paired between two traces: the API request id, or `#n` in arrival order. */
  readonly key: string;
  /** The id users know it by: the API request id (`gen_ai.request.id` of llm_request). */
  readonly label: string;
  /** The earliest time on its spans (api.ARRIVED when the llm_request span is there). */
  readonly arrivalNs: bigint;
  /** The earliest monotonic-clock reading in its events (ns), if any carries one. */
  readonly arrivalMonoNs: bigint | undefined;
}

export interface TraceIndex {
  readonly trace: TraceFile;
  readonly roles: readonly SpanRole[];
  /** The request of each llm_request / llm_core span, by span index. */
  readonly requestOfSpan: ReadonlyMap<number, RequestIdentity>;
  /** API ids and engine ids (llm_core's `gen_ai.request.id`, snapshots' `request.id`) to requests. */
  readonly requestById: ReadonlyMap<string, RequestIdentity>;
  /** The trace's first arrival: where step events' times are measured from in --real mode. */
  readonly origin: { readonly epochNs: bigint; readonly monoNs: bigint | undefined };
  /** The earliest time in the file: virtual time 0 of a simtrace run, where exact-mode times count from. */
  readonly startNs: bigint;
}

const STEP_SPAN = /^scheduler_steps_\d+$/;

export function spanRole(span: TraceSpan): SpanRole {
  if (span.name === 'llm_request') return 'request';
  if (span.name === 'llm_core') return 'core';
  if (STEP_SPAN.test(span.name) || span.scope === 'vllm.scheduler.step') return 'steps';
  return 'other';
}

export const stringAttr = (attributes: Attributes, key: string): string | undefined => {
  const value = attributes.get(key);
  return value?.type === 'string' ? value.text : undefined;
};

/** Monotonic-clock attributes of vLLM's events, with their scale to nanoseconds. */
export const MONOTONIC_ATTRIBUTES: ReadonlyMap<string, number> = new Map([
  ['ts.monotonic_ns', 1],
  ['step.ts_start_ns', 1],
  ['step.ts_end_ns', 1],
  ['ts.monotonic', 1e9],
  ['event.ts.monotonic', 1e9],
]);

/** An int or double attribute as integer nanoseconds, given its scale; undefined if not numeric. */
export function scaledNs(attributes: Attributes, key: string, scale: number): bigint | undefined {
  const value = attributes.get(key);
  if (value === undefined || (value.type !== 'int' && value.type !== 'double')) return undefined;
  if (value.type === 'int' && scale === 1) return BigInt(value.text);
  const ns = Math.round(Number(value.text) * scale);
  return Number.isFinite(ns) ? BigInt(ns) : undefined;
}

const min = (a: bigint | undefined, b: bigint | undefined): bigint | undefined => (a === undefined ? b : b === undefined || a <= b ? a : b);

/** vLLM's engine id is `<api id>-<8 random characters>`: without its llm_request, that is all we have. */
const apiIdOfEngineId = (engineId: string): string => engineId.replace(/-[0-9A-Za-z]{8}$/, '');

interface Group {
  readonly label: string;
  readonly spans: TraceSpan[];
}

export function indexTrace(trace: TraceFile, match: 'id' | 'arrival'): TraceIndex {
  const roles = trace.spans.map(spanRole);
  // Ids identify parents only; a span id seen twice keeps its first span.
  const byId = new Map<string, TraceSpan>();
  for (const span of trace.spans) if (!byId.has(`${span.traceId}/${span.spanId}`)) byId.set(`${span.traceId}/${span.spanId}`, span);
  // One group per llm_request span; an llm_core joins its parent's group, or makes its own.
  const groups: Group[] = [];
  const groupOfSpan = new Map<number, Group>();
  for (const span of trace.spans) {
    if (roles[span.index] !== 'request') continue;
    const group = { label: stringAttr(span.attributes, 'gen_ai.request.id') ?? `(no id, line ${span.line})`, spans: [span] };
    groups.push(group);
    groupOfSpan.set(span.index, group);
  }
  for (const span of trace.spans) {
    if (roles[span.index] !== 'core') continue;
    const parent = span.parentSpanId === '' ? undefined : byId.get(`${span.traceId}/${span.parentSpanId}`);
    let group = parent === undefined ? undefined : groupOfSpan.get(parent.index);
    if (group === undefined) {
      const engineId = stringAttr(span.attributes, 'gen_ai.request.id');
      group = { label: engineId === undefined ? `(no id, line ${span.line})` : apiIdOfEngineId(engineId), spans: [] };
      groups.push(group);
    }
    group.spans.push(span);
    groupOfSpan.set(span.index, group);
  }

  const arrivals = groups.map((group) => arrivalOf(group.spans));
  const order = groups.map((_, i) => i);
  if (match === 'arrival') order.sort((a, b) => compareBigint(arrivals[a]!.epochNs, arrivals[b]!.epochNs) || a - b);
  const seen = new Map<string, number>();
  const identities = new Map<Group, RequestIdentity>();
  order.forEach((groupIndex, rank) => {
    const group = groups[groupIndex]!;
    let key = match === 'arrival' ? `#${rank + 1}` : group.label;
    // The same API id twice (a retried or duplicated request): pair them in file order.
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count > 1) key = `${key}#${count}`;
    const arrival = arrivals[groupIndex]!;
    identities.set(group, { key, label: group.label, arrivalNs: arrival.epochNs, arrivalMonoNs: arrival.monoNs });
  });

  const requestOfSpan = new Map<number, RequestIdentity>();
  const requestById = new Map<string, RequestIdentity>();
  for (const [index, group] of groupOfSpan) requestOfSpan.set(index, identities.get(group)!);
  for (const group of groups) {
    for (const span of group.spans) {
      const id = stringAttr(span.attributes, 'gen_ai.request.id');
      if (id !== undefined && !requestById.has(id)) requestById.set(id, identities.get(group)!);
    }
  }
  let startNs: bigint | undefined;
  for (const span of trace.spans) startNs = min(startNs, span.startNs);
  const origin = originOf(trace, [...identities.values()]);
  return { trace, roles, requestOfSpan, requestById, origin, startNs: min(startNs, origin.epochNs) ?? 0n };
}

const compareBigint = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

function arrivalOf(spans: readonly TraceSpan[]): { epochNs: bigint; monoNs: bigint | undefined } {
  let epochNs: bigint | undefined;
  let monoNs: bigint | undefined;
  for (const span of spans) {
    epochNs = min(epochNs, span.startNs);
    for (const event of span.events) {
      epochNs = min(epochNs, event.timeNs);
      monoNs = min(monoNs, scaledNs(event.attributes, 'event.ts.monotonic', 1e9));
      monoNs = min(monoNs, scaledNs(event.attributes, 'ts.monotonic_ns', 1));
    }
  }
  return { epochNs: epochNs ?? 0n, monoNs };
}

/** The first arrival; a trace of step spans only starts at its first step event. */
function originOf(trace: TraceFile, requests: readonly RequestIdentity[]): TraceIndex['origin'] {
  let epochNs: bigint | undefined;
  let monoNs: bigint | undefined;
  for (const request of requests) {
    epochNs = min(epochNs, request.arrivalNs);
    monoNs = min(monoNs, request.arrivalMonoNs);
  }
  if (epochNs !== undefined) return { epochNs, monoNs };
  for (const span of trace.spans) {
    for (const event of span.events) {
      epochNs = min(epochNs, event.timeNs);
      monoNs = min(monoNs, scaledNs(event.attributes, 'step.ts_start_ns', 1));
    }
  }
  return { epochNs: epochNs ?? trace.spans[0]?.startNs ?? 0n, monoNs };
}
