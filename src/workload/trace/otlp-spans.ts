// Walking OTLP JSON as the Collector's file exporter writes it (and simtrace's --trace-out): one
// ExportTraceServiceRequest per line, resourceSpans[].scopeSpans[].spans[], attributes as
// [{key, value: {stringValue | intValue | doubleValue | boolValue}}]. int64 values come as JSON
// numbers or as decimal strings (the proto3 JSON mapping); both are accepted.
import { rowError, type At } from './trace-row.js';
import { parseEpochNanos, type EpochTime } from './utc-time.js';

export type AttributeValue = string | number | boolean;

export interface OtlpEvent {
  readonly name: string;
  readonly time: EpochTime | undefined;
  readonly attributes: ReadonlyMap<string, AttributeValue>;
}

export interface OtlpSpan {
  readonly traceId: string;
  readonly name: string;
  readonly scope: string;
  readonly start: EpochTime | undefined;
  readonly end: EpochTime | undefined;
  readonly attributes: ReadonlyMap<string, AttributeValue>;
  readonly events: readonly OtlpEvent[];
}

type Json = Record<string, unknown>;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {});

function anyValue(value: unknown): AttributeValue | undefined {
  const v = record(value);
  if (typeof v['stringValue'] === 'string') return v['stringValue'];
  if (typeof v['boolValue'] === 'boolean') return v['boolValue'];
  if (typeof v['doubleValue'] === 'number') return v['doubleValue'];
  const int = v['intValue'];
  if (typeof int === 'number') return int;
  if (typeof int === 'string' && /^-?\d+$/.test(int)) return Number(int);
  return undefined;
}

export function attributeMap(attributes: unknown): Map<string, AttributeValue> {
  const map = new Map<string, AttributeValue>();
  for (const a of list(attributes)) {
    const entry = record(a);
    const value = anyValue(entry['value']);
    if (typeof entry['key'] === 'string' && value !== undefined) map.set(entry['key'], value);
  }
  return map;
}

/** Every span of one ExportTraceServiceRequest document. */
export function* spansOf(at: At, document: Json): Generator<OtlpSpan, void, undefined> {
  if (!Array.isArray(document['resourceSpans'])) {
    throw rowError(at, 'resourceSpans', 'expected an OTLP ExportTraceServiceRequest with a resourceSpans list');
  }
  for (const resourceSpans of list(document['resourceSpans'])) {
    for (const scopeSpans of list(record(resourceSpans)['scopeSpans'])) {
      const scope = record(record(scopeSpans)['scope'])['name'];
      for (const s of list(record(scopeSpans)['spans'])) {
        const span = record(s);
        yield {
          traceId: typeof span['traceId'] === 'string' ? span['traceId'] : '',
          name: typeof span['name'] === 'string' ? span['name'] : '',
          scope: typeof scope === 'string' ? scope : '',
          start: parseEpochNanos(span['startTimeUnixNano']),
          end: parseEpochNanos(span['endTimeUnixNano']),
          attributes: attributeMap(span['attributes']),
          events: list(span['events']).map((e) => {
            const event = record(e);
            return {
              name: typeof event['name'] === 'string' ? event['name'] : '',
              time: parseEpochNanos(event['timeUnixNano']),
              attributes: attributeMap(event['attributes']),
            };
          }),
        };
      }
    }
  }
}

/** A numeric attribute, or undefined when absent or not a number. */
export function numberAttribute(attributes: ReadonlyMap<string, AttributeValue>, key: string): number | undefined {
  const value = attributes.get(key);
  return typeof value === 'number' ? value : undefined;
}
