// Comparing single values: attributes (typed), times (relative to a reference, within a tolerance)
// and request ids (through the request they name). Each rule here is what makes a real vLLM trace and
// a simulated one comparable at all: their clocks, epochs and random id suffixes never agree.
import type { Attributes, AttrValue, DiffOptions, TimeTolerance } from './model.js';
import { MONOTONIC_ATTRIBUTES, scaledNs, type TraceIndex } from './normalise.js';

/** Where one side's times are measured from, and how its times map onto EXPECTED's clock. */
export interface Side {
  readonly index: TraceIndex;
  /** Reference on the OTEL (epoch) clock: span and event times are compared as `time - epochNs`. */
  readonly epochNs: bigint;
  /** Reference on the monotonic clock, for ts.monotonic_ns, step.ts_start_ns and the like. */
  readonly monoNs: bigint;
  /** What the reference is, for messages ("arrival"); none when times count from the trace's start. */
  readonly reference?: string;
}

/** A time relative to its side's reference, as messages show it. */
export const renderTime = (relativeNs: bigint, side: Side): string =>
  side.reference === undefined ? formatMs(relativeNs) : `${formatMs(relativeNs)} after ${side.reference}`;

export interface ValueContext {
  readonly options: DiffOptions;
  readonly expected: Side;
  readonly actual: Side;
}

/** Attributes that carry request ids: compared as the request they name in --real mode. */
const REQUEST_ID_ATTRIBUTES: ReadonlySet<string> = new Set(['gen_ai.request.id', 'request.id']);
/** Durations measured by the server's own clock; compared within the tolerance when one is set. */
const DURATION_ATTRIBUTES: ReadonlyMap<string, number> = new Map([['step.duration_us', 1_000]]);

export function isIgnored(key: string, ignore: readonly string[]): boolean {
  return ignore.some((pattern) => (pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern));
}

const hasTolerance = (t: TimeTolerance): boolean => t.absoluteNs > 0n || t.percent > 0;

/** Two times, each already relative to its side's reference, within the tolerance. */
export function timesMatch(expectedNs: bigint, actualNs: bigint, tolerance: TimeTolerance): boolean {
  const delta = expectedNs > actualNs ? expectedNs - actualNs : actualNs - expectedNs;
  if (delta <= tolerance.absoluteNs) return true;
  const base = expectedNs < 0n ? -expectedNs : expectedNs;
  return tolerance.percent > 0 && Number(delta) * 100 <= tolerance.percent * Number(base);
}

/** Nanoseconds as milliseconds with 6 decimals, by integer arithmetic (no float or locale formatting). */
export function formatMs(ns: bigint): string {
  const sign = ns < 0n ? '-' : '';
  const abs = ns < 0n ? -ns : ns;
  return `${sign}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')} ms`;
}

export function renderValue(value: AttrValue): string {
  return value.type === 'string' ? JSON.stringify(value.text) : value.type === 'empty' ? '(empty)' : value.text;
}

export interface ValueDifference {
  readonly attribute: string;
  readonly expected?: string;
  readonly actual?: string;
}

/** The differences between two attribute sets, EXPECTED's keys in order first. */
export function compareAttributes(expected: Attributes, actual: Attributes, context: ValueContext): ValueDifference[] {
  const out: ValueDifference[] = [];
  const keys = [...expected.keys(), ...[...actual.keys()].filter((key) => !expected.has(key))];
  for (const key of keys) {
    if (isIgnored(key, context.options.ignore)) continue;
    const e = expected.get(key);
    const a = actual.get(key);
    if (e === undefined || a === undefined) {
      out.push({ attribute: key, ...(e ? { expected: renderValue(e) } : {}), ...(a ? { actual: renderValue(a) } : {}) });
    } else if (e.type !== a.type) {
      out.push({ attribute: key, expected: `${e.type} ${renderValue(e)}`, actual: `${a.type} ${renderValue(a)}` });
    } else {
      const difference = compareValue(key, e, a, expected, actual, context);
      if (difference !== undefined) out.push(difference);
    }
  }
  return out;
}

function compareValue(key: string, e: AttrValue, a: AttrValue, eAttrs: Attributes, aAttrs: Attributes, context: ValueContext): ValueDifference | undefined {
  const { options } = context;
  if (options.real && REQUEST_ID_ATTRIBUTES.has(key)) {
    const eRequest = context.expected.index.requestById.get(e.text);
    const aRequest = context.actual.index.requestById.get(a.text);
    if (eRequest !== undefined && aRequest !== undefined) {
      return eRequest.key === aRequest.key ? undefined : { attribute: key, expected: `${renderValue(e)} (request ${eRequest.label})`, actual: `${renderValue(a)} (request ${aRequest.label})` };
    }
  }
  const monoScale = MONOTONIC_ATTRIBUTES.get(key);
  const durationScale = DURATION_ATTRIBUTES.get(key);
  const scale = monoScale ?? durationScale;
  if (scale !== undefined && (options.real || hasTolerance(options.tolerance))) {
    // A monotonic reading is compared from its side's reference (in --real mode, the request's
    // arrival); a duration as it is.
    const eNs = scaledNs(eAttrs, key, scale);
    const aNs = scaledNs(aAttrs, key, scale);
    if (eNs !== undefined && aNs !== undefined) {
      const rebase = monoScale !== undefined && options.real;
      const eRel = rebase ? eNs - context.expected.monoNs : eNs;
      const aRel = rebase ? aNs - context.actual.monoNs : aNs;
      if (timesMatch(eRel, aRel, options.tolerance)) return undefined;
      if (rebase) return { attribute: key, expected: renderTime(eRel, context.expected), actual: renderTime(aRel, context.actual) };
      return { attribute: key, expected: renderValue(e), actual: renderValue(a) };
    }
  }
  return e.text === a.text ? undefined : { attribute: key, expected: renderValue(e), actual: renderValue(a) };
}
