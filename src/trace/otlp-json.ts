// OTLP/JSON as the OpenTelemetry Collector's file exporter writes it (proto3 JSON mapping, pdata field
// order): ids as lowercase hex, uint64 times and int64 values as decimal strings, enums as numbers,
// empty and zero fields left out, `"status":{}` for an unset status. Written by hand because the
// SDK's JSON serializer infers int/double from the JS value (0.0 becomes an int), builds one string
// per request (which fails for huge spans) and is slow. Spans are emitted in pieces, one event at a
// time, so no single string grows with the number of events.
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { attributeKind, type AttributeKind } from './vocabulary.js';
import { numberText } from './number-text.js';
import { hrTimeToDecimal } from './virtual-clock.js';
import { otlpSpanFlags, otlpSpanKind } from './span-sink.js';

export interface OtlpJsonOptions {
  /**
   * How int64 attribute values are written. `string` ({"intValue":"42"}) is the proto3 JSON mapping
   * the Collector's file exporter produces; `number` ({"intValue":42}) is accepted by the same parsers.
   */
  readonly intValues: 'string' | 'number';
}

export const DEFAULT_OTLP_JSON_OPTIONS: OtlpJsonOptions = { intValues: 'number' };

const str = JSON.stringify;

/** proto3 JSON for a double: finite numbers as JSON numbers, the rest as the spec's strings. */
function doubleJson(value: number): string {
  if (Number.isFinite(value)) return numberText(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
}

/**
 * Most attribute values repeat (phases, event types, routes, small counts), and building
 * `{"key":..,"value":{..}}` anew for each costs a JSON.stringify, several small strings and, later,
 * flattening them all into the output: a large part of a traced run's CPU. So each key remembers the
 * finished JSON of its recent string, bool and int values, with the `[` or `,` before it included so
 * that a list is one concatenation per attribute. Doubles are left out (they rarely repeat). The
 * caches are bounded: a key with too many distinct values (an id) just stops adding.
 */
interface KeyJson {
  /** `{"key":<key>,"value":{"` */
  readonly prefix: string;
  /** `[` + the whole attribute's JSON, by value: the first attribute of a list. */
  readonly opening: Map<string | number | boolean, string>;
  /** `,` + the whole attribute's JSON, by value: any later attribute. */
  readonly following: Map<string | number | boolean, string>;
}

const MAX_KEYS = 10_000;
const MAX_VALUES_PER_KEY = 256;

/** One cache per int form, since `intValues` changes the JSON of an int. */
const keyCaches: Record<OtlpJsonOptions['intValues'], Map<string, KeyJson>> = { string: new Map(), number: new Map() };

function keyJson(key: string, options: OtlpJsonOptions): KeyJson {
  const cache = keyCaches[options.intValues];
  let entry = cache.get(key);
  if (entry === undefined) {
    entry = { prefix: `{"key":${str(key)},"value":{"`, opening: new Map(), following: new Map() };
    if (cache.size < MAX_KEYS) cache.set(key, entry);
  }
  return entry;
}

/** `intValue":"42"}}` and friends: the rest of one attribute after its key prefix. */
function valueJson(kind: AttributeKind, value: string | number | boolean, options: OtlpJsonOptions): string {
  switch (kind) {
    case 'string':
      return `stringValue":${str(value)}}}`;
    case 'bool':
      return `boolValue":${String(value)}}}`;
    case 'int':
      // attributeKind answers 'int' only for safe integers, whose String() is their digits.
      return options.intValues === 'string' ? `intValue":"${value as number}"}}` : `intValue":${value as number}}}`;
    case 'double':
      return `doubleValue":${doubleJson(value as number)}}}`;
  }
}

/**
 * `separator` (`[` or `,`) + one attribute's `{"key":..,"value":{..}}`, or undefined for a value
 * OTLP/JSON cannot carry here.
 */
function attributeJson(
  separator: '[' | ',',
  key: string,
  value: Attributes[string],
  options: OtlpJsonOptions,
): string | undefined {
  const kind = attributeKind(key, value);
  if (kind === undefined) return undefined;
  const scalar = value as string | number | boolean;
  const entry = keyJson(key, options);
  if (kind === 'double') return separator + entry.prefix + valueJson(kind, scalar, options);
  const cache = separator === '[' ? entry.opening : entry.following;
  let json = cache.get(scalar);
  if (json === undefined) {
    json = separator + entry.prefix + valueJson(kind, scalar, options);
    if (cache.size < MAX_VALUES_PER_KEY) cache.set(scalar, json);
  }
  return json;
}

/** `[{"key":..,"value":{..}},..]`, or '' when there is nothing to write. */
export function attributesJson(attributes: Attributes, options: OtlpJsonOptions): string {
  let out = '';
  for (const key in attributes) {
    const json = attributeJson(out === '' ? '[' : ',', key, attributes[key], options);
    if (json !== undefined) out += json;
  }
  return out === '' ? '' : `${out}]`;
}

/** `","name":<name>` after an event's time: event names come from a small vocabulary. */
const eventNameJson = new Map<string, string>();

function eventNamePart(name: string): string {
  let json = eventNameJson.get(name);
  if (json === undefined) {
    json = `","name":${str(name)}`;
    if (eventNameJson.size < MAX_KEYS) eventNameJson.set(name, json);
  }
  return json;
}

function eventJson(event: TimedEvent, options: OtlpJsonOptions): string {
  let out = `{"timeUnixNano":"${hrTimeToDecimal(event.time)}${eventNamePart(event.name)}`;
  const attributes = event.attributes ? attributesJson(event.attributes, options) : '';
  if (attributes !== '') out += `,"attributes":${attributes}`;
  if (event.droppedAttributesCount) out += `,"droppedAttributesCount":${event.droppedAttributesCount}`;
  return `${out}}`;
}

function statusJson(span: ReadableSpan): string {
  const { code, message } = span.status;
  let out = '';
  if (message) out += `"message":${str(message)}`;
  if (code) out += `${out === '' ? '' : ','}"code":${code}`;
  return `{${out}}`;
}

/**
 * Writes one span as a JSON object through `out`, in pieces: the head, then every event separately,
 * then the tail. The pieces concatenated are the span's JSON.
 */
export function writeSpanJson(span: ReadableSpan, out: (piece: string) => void, options: OtlpJsonOptions): void {
  const context = span.spanContext();
  let head = `{"traceId":"${context.traceId}","spanId":"${context.spanId}"`;
  const traceState = context.traceState?.serialize();
  if (traceState) head += `,"traceState":${str(traceState)}`;
  if (span.parentSpanContext?.spanId) head += `,"parentSpanId":"${span.parentSpanContext.spanId}"`;
  head += `,"flags":${otlpSpanFlags(span)},"name":${str(span.name)},"kind":${otlpSpanKind(span.kind)}`;
  head += `,"startTimeUnixNano":"${hrTimeToDecimal(span.startTime)}"`;
  head += `,"endTimeUnixNano":"${hrTimeToDecimal(span.endTime)}"`;
  const attributes = attributesJson(span.attributes, options);
  if (attributes !== '') head += `,"attributes":${attributes}`;
  if (span.droppedAttributesCount) head += `,"droppedAttributesCount":${span.droppedAttributesCount}`;
  const events = span.events;
  if (events.length > 0) {
    out(`${head},"events":[`);
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as TimedEvent;
      out(i === 0 ? eventJson(event, options) : `,${eventJson(event, options)}`);
    }
    head = ']';
  }
  let tail = head;
  if (span.droppedEventsCount) tail += `,"droppedEventsCount":${span.droppedEventsCount}`;
  if (span.droppedLinksCount) tail += `,"droppedLinksCount":${span.droppedLinksCount}`;
  out(`${tail},"status":${statusJson(span)}}`);
}

/** `{"resourceSpans":[{"resource":{..},"scopeSpans":[` for a span's resource. */
export function linePrefixJson(span: ReadableSpan, options: OtlpJsonOptions): string {
  const attributes = attributesJson(span.resource.attributes, options);
  const resource = attributes === '' ? '{}' : `{"attributes":${attributes}}`;
  return `{"resourceSpans":[{"resource":${resource},"scopeSpans":[`;
}

/** `{"scope":{"name":..},"spans":[`, the opening of one ScopeSpans entry. */
export function scopeOpenJson(span: ReadableSpan): string {
  const { name, version } = span.instrumentationScope;
  const versionJson = version ? `,"version":${str(version)}` : '';
  return `{"scope":{"name":${str(name)}${versionJson}},"spans":[`;
}

export const SCOPE_CLOSE_JSON = ']}';
export const LINE_SUFFIX_JSON = ']}]}\n';
