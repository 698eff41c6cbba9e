// The shapes `simtrace diff` works on: a trace file read into plain spans (whatever OTLP JSON form it
// came in), the options of a comparison, and the differences it finds, as data. Formatting them for
// people or for `--json` is report.ts's business.

/** An OTLP AnyValue's kind; `empty` is `{}` (no value set). */
export type ValueType = 'string' | 'int' | 'double' | 'bool' | 'bytes' | 'array' | 'kvlist' | 'empty';

export interface AttrValue {
  readonly type: ValueType;
  /**
   * One canonical text per value, so that equal values compare equal whatever their JSON form:
   * ints as decimal digits ("42" and 42 alike), doubles as JS prints them, strings as themselves,
   * arrays and kvlists as canonical JSON.
   */
  readonly text: string;
}

/** Attributes by key, in the order the file lists them. */
export type Attributes = ReadonlyMap<string, AttrValue>;

export interface TraceEvent {
  readonly name: string;
  readonly timeNs: bigint;
  readonly attributes: Attributes;
}

export interface TraceSpan {
  /** Position in the file: the order spans were read, and the line (1-based) they were read from. */
  readonly index: number;
  readonly line: number;
  /** Index into TraceFile.resources. */
  readonly resource: number;
  readonly scope: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly flags: number;
  readonly name: string;
  readonly kind: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly attributes: Attributes;
  readonly events: readonly TraceEvent[];
  readonly statusCode: number;
  readonly statusMessage: string;
}

export interface TraceFile {
  readonly path: string;
  readonly spans: readonly TraceSpan[];
  /** Distinct resources, in order of first appearance (a file usually has one). */
  readonly resources: readonly Attributes[];
}

/** How far apart two times may be and still count as equal: within either bound passes. */
export interface TimeTolerance {
  readonly absoluteNs: bigint;
  /** Percent of the expected time, measured from its reference (the request's arrival, or the trace's start). */
  readonly percent: number;
}

export interface DiffOptions {
  /** Attribute keys left out of the comparison; a trailing `*` makes a key a prefix. */
  readonly ignore: readonly string[];
  readonly only?: 'journeys' | 'steps';
  /**
   * Comparing with a trace from a real vLLM: trace and span ids and the resource are not compared,
   * request ids are compared through the request they name, and times are taken relative to each
   * request's arrival (step events: to the trace's first arrival).
   */
  readonly real: boolean;
  /** Pair requests by `gen_ai.request.id`, or by their order of arrival. */
  readonly match: 'id' | 'arrival';
  readonly tolerance: TimeTolerance;
}

export const DEFAULT_DIFF_OPTIONS: DiffOptions = {
  ignore: [],
  real: false,
  match: 'id',
  tolerance: { absoluteNs: 0n, percent: 0 },
};

export type DifferenceKind =
  | 'missing-span'
  | 'extra-span'
  | 'missing-event'
  | 'extra-event'
  | 'reordered-event'
  | 'value'
  | 'missing-resource'
  | 'extra-resource';

/** Where a difference is, in the user's terms. */
export interface Location {
  /** The request a journey span belongs to (its `gen_ai.request.id`, as EXPECTED has it). */
  readonly request?: string;
  /** The same request's id in ACTUAL, when requests are matched by arrival and the ids differ. */
  readonly actualRequest?: string;
  readonly span?: string;
  readonly step?: number;
  readonly event?: string;
  /** Which occurrence of the event name in its span (1-based), when there is more than one. */
  readonly occurrence?: number;
  /** The request a step.REQUEST_SNAPSHOT describes. */
  readonly eventRequest?: string;
  /** An attribute key, or a span/event field such as `time` or `start` (see `field`). */
  readonly attribute?: string;
  /** True when `attribute` names a field of the span or event rather than an attribute. */
  readonly field?: boolean;
  /** Resource differences: which resource (1-based) of the file. */
  readonly resource?: number;
}

export interface Difference extends Location {
  readonly kind: DifferenceKind;
  /** Rendered values (strings quoted, times in ms); absent on the side that has nothing. */
  readonly expected?: string;
  readonly actual?: string;
  /** Extra words: where a lone span or event sits, what a moved event now follows. */
  readonly detail?: string;
}

export interface DiffCounts {
  readonly spans: number;
  readonly events: number;
  /** Attribute values, plus span and event fields (times, kind, status, ids), that differ. */
  readonly attributes: number;
}

export interface DiffResult {
  readonly equivalent: boolean;
  /** Every difference, the earliest first (by the time it happens; ties in file order). */
  readonly differences: readonly Difference[];
  readonly counts: DiffCounts;
  /** How much was compared (spans and events of both sides, after --only). */
  readonly compared: { readonly spans: number; readonly events: number };
}
