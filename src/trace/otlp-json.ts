// OTLP/JSON as the OpenTelemetry Collector's file exporter writes it (proto3 JSON mapping, pdata field
// order): ids as lowercase hex, uint64 times and int64 values as decimal strings, enums as numbers,
// empty and zero fields left out, `"status":{}` for an unset status. Written by hand because the
// SDK's JSON serializer infers int/double from the JS value (0.0 becomes an int), builds one string
// per request (which fails for huge spans) and is slow. Spans are emitted in pieces, one event at a
// time, so no single string grows with the number of events.
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { attributeKind } from './vocabulary.js';
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
  if (Number.isFinite(value)) return String(value);
  return Number.isNaN(value) ? '"NaN"' : value > 0 ? '"Infinity"' : '"-Infinity"';
}

/** `{"key":<key>,"value":{"` per key: attribute keys come from a small vocabulary. */
const keyPrefixes = new Map<string, string>();

function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `{"key":${str(key)},"value":{"`;
    if (keyPrefixes.size < 10_000) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

/** `intValue":"42"}}` and friends: the rest of one attribute after its key prefix. */
function valueJson(key: string, value: Attributes[string], options: OtlpJsonOptions): string | undefined {
  switch (attributeKind(key, value)) {
    case 'string':
      return `stringValue":${str(value)}}}`;
    case 'bool':
      return `boolValue":${String(value)}}}`;
    case 'int':
      // attributeKind answers 'int' only for safe integers, whose String() is their digits.
      return options.intValues === 'string' ? `intValue":"${value as number}"}}` : `intValue":${value as number}}}`;
    case 'double':
      return `doubleValue":${doubleJson(value as number)}}}`;
    default:
      return undefined;
  }
}

/** `[{"key":..,"value":{..}},..]`, or '' when there is nothing to write. */
export function attributesJson(attributes: Attributes, options: OtlpJsonOptions): string {
  let out = '';
  for (const key in attributes) {
    const value = valueJson(key, attributes[key], options);
    if (value === undefined) continue;
    out += (out === '' ? '[' : ',') + keyPrefix(key) + value;
  }
  return out === '' ? '' : `${out}]`;
}

function eventJson(event: TimedEvent, options: OtlpJsonOptions): string {
  let out = `{"timeUnixNano":"${hrTimeToDecimal(event.time)}","name":${str(event.name)}`;
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
