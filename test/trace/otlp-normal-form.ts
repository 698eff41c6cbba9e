// One plain shape for spans read from either side (the OTLP/JSON file, or protobuf decoded by the
// receiver), so tests can compare them field by field, types included.
import * as fs from 'node:fs';

export type AttributeType = 'string' | 'int' | 'double' | 'bool';

export interface NormalAttribute {
  readonly key: string;
  readonly type: AttributeType;
  /** Decimal text for ints, String(n) for doubles, the text itself for strings. */
  readonly value: string;
}

export interface NormalEvent {
  readonly time: string;
  readonly name: string;
  readonly attributes: NormalAttribute[];
}

export interface NormalSpan {
  readonly resource: NormalAttribute[];
  readonly scope: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly flags: number;
  readonly name: string;
  readonly kind: number;
  readonly start: string;
  readonly end: string;
  readonly attributes: NormalAttribute[];
  readonly events: NormalEvent[];
  readonly status: { readonly code: number; readonly message: string };
}

type Json = Record<string, unknown>;

const TYPES: Record<string, AttributeType> = {
  stringValue: 'string',
  intValue: 'int',
  doubleValue: 'double',
  boolValue: 'bool',
};

function attributes(list: unknown): NormalAttribute[] {
  return ((list as Json[] | undefined) ?? []).map((kv) => {
    const value = (kv['value'] ?? {}) as Json;
    const field = Object.keys(value).find((k) => k in TYPES);
    if (field === undefined) throw new Error(`attribute ${String(kv['key'])}: no scalar value in ${JSON.stringify(value)}`);
    return { key: String(kv['key']), type: TYPES[field] as AttributeType, value: String(value[field]) };
  });
}

const hexOf = (base64: unknown): string => Buffer.from(String(base64 ?? ''), 'base64').toString('hex');

function normalise(request: Json, ids: (value: unknown) => string): NormalSpan[] {
  const out: NormalSpan[] = [];
  for (const rs of (request['resourceSpans'] as Json[] | undefined) ?? []) {
    const resource = attributes(((rs['resource'] ?? {}) as Json)['attributes']);
    for (const ss of (rs['scopeSpans'] as Json[] | undefined) ?? []) {
      const scope = String(((ss['scope'] ?? {}) as Json)['name'] ?? '');
      for (const span of (ss['spans'] as Json[] | undefined) ?? []) {
        const status = (span['status'] ?? {}) as Json;
        out.push({
          resource,
          scope,
          traceId: ids(span['traceId']),
          spanId: ids(span['spanId']),
          parentSpanId: span['parentSpanId'] === undefined ? '' : ids(span['parentSpanId']),
          flags: Number(span['flags'] ?? 0),
          name: String(span['name']),
          kind: Number(span['kind'] ?? 0),
          start: String(span['startTimeUnixNano']),
          end: String(span['endTimeUnixNano']),
          attributes: attributes(span['attributes']),
          events: ((span['events'] as Json[] | undefined) ?? []).map((event) => ({
            time: String(event['timeUnixNano']),
            name: String(event['name']),
            attributes: attributes(event['attributes']),
          })),
          status: { code: Number(status['code'] ?? 0), message: String(status['message'] ?? '') },
        });
      }
    }
  }
  return out;
}

/** From protobufjs `toObject(..., { longs: String, enums: Number, bytes: String })`. */
export function normaliseDecodedRequest(decoded: Json): NormalSpan[] {
  return normalise(decoded, hexOf);
}

/** From one OTLP/JSON line (ids already hex). */
export function normaliseJsonRequest(line: Json): NormalSpan[] {
  return normalise(line, (id) => String(id));
}

/** Every line of a `--trace-out` file parsed, and its spans in file order. */
export function readOtlpJsonl(file: string): { lines: Json[]; spans: NormalSpan[] } {
  const text = fs.readFileSync(file, 'utf8');
  if (!text.endsWith('\n')) throw new Error(`${file}: last line not terminated`);
  const lines = text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as Json);
  return { lines, spans: lines.flatMap(normaliseJsonRequest) };
}

/** Attributes as a key -> "type:value" map, for compact assertions. */
export function typed(list: readonly NormalAttribute[]): Record<string, string> {
  return Object.fromEntries(list.map((a) => [a.key, `${a.type}:${a.value}`]));
}
