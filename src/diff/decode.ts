// ExportTraceServiceRequest JSON documents into plain spans (model.ts). The proto3 JSON mapping lets
// writers vary: int64s as strings or numbers, enums as numbers or names, zero fields left out. All of
// them decode to the same TraceSpan, so `diff` compares meaning, not spelling. Anything that is not
// OTLP is bad input: file:line, the path inside the document, what was expected and what was found.
import { describeValue, InputError } from '../scenario/problems.js';
import type { Attributes, AttrValue, TraceEvent, TraceFile, TraceSpan } from './model.js';

export interface LocatedDocument {
  readonly document: unknown;
  /** The line the document starts on (1-based). */
  readonly line: number;
  /** Its path inside the file (`[3]` for the 4th element of an array form), or ''. */
  readonly path: string;
}

type Json = Record<string, unknown>;

interface Where {
  readonly file: string;
  readonly line: number;
  readonly path: string;
}

const at = (where: Where, key: string | number): Where => ({
  ...where,
  path: typeof key === 'number' ? `${where.path}[${key}]` : where.path === '' ? key : `${where.path}.${key}`,
});

/** `file:line: path: expected ..., found ...`: the path, not a column, says where in the line. */
function fail(where: Where, expected: string, found: unknown): never {
  throw new InputError([{ file: `${where.file}:${where.line}`, path: where.path, message: `expected ${expected}, found ${describeValue(found)}` }]);
}

function object(value: unknown, where: Where): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'an object', value);
  return value as Json;
}

/** A repeated field: absent means empty (proto3 leaves empty lists out). */
function list(value: unknown, where: Where): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(where, 'a list', value);
  return value;
}

function text(value: unknown, where: Where, fallback = ''): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') fail(where, 'a string', value);
  return value;
}

/** int64/uint64 fields: a decimal string or a JSON number without a fraction. */
function integer(value: unknown, where: Where): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  return fail(where, 'an integer (a decimal string or a number)', value);
}

/** Enums: a number, or the enum value's name (`SPAN_KIND_SERVER`). */
function enumValue(value: unknown, names: readonly string[], where: Where): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  const index = typeof value === 'string' ? names.indexOf(value) : -1;
  if (index < 0) fail(where, `a number or one of ${names.join(', ')}`, value);
  return index;
}

const SPAN_KINDS = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];

function double(value: unknown, where: Where): string {
  if (typeof value === 'number') return String(value);
  // proto3 JSON writes non-finite doubles (and may write any double) as strings.
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return String(Number(value));
  if (value === 'NaN') return 'NaN';
  return fail(where, 'a number', value);
}

function anyValue(value: unknown, where: Where): AttrValue {
  const v = object(value ?? {}, where);
  if ('stringValue' in v) return { type: 'string', text: text(v['stringValue'], at(where, 'stringValue')) };
  if ('intValue' in v) return { type: 'int', text: integer(v['intValue'], at(where, 'intValue')).toString() };
  if ('doubleValue' in v) return { type: 'double', text: double(v['doubleValue'], at(where, 'doubleValue')) };
  if ('boolValue' in v) {
    if (typeof v['boolValue'] !== 'boolean') fail(at(where, 'boolValue'), 'true or false', v['boolValue']);
    return { type: 'bool', text: String(v['boolValue']) };
  }
  if ('bytesValue' in v) return { type: 'bytes', text: text(v['bytesValue'], at(where, 'bytesValue')) };
  if ('arrayValue' in v) {
    const w = at(at(where, 'arrayValue'), 'values');
    const items = list(object(v['arrayValue'] ?? {}, w)['values'], w).map((item, i) => anyValue(item, at(w, i)));
    return { type: 'array', text: JSON.stringify(items.map((item) => [item.type, item.text])) };
  }
  if ('kvlistValue' in v) {
    const w = at(at(where, 'kvlistValue'), 'values');
    const entries = [...attributes(object(v['kvlistValue'] ?? {}, w)['values'], w)];
    return { type: 'kvlist', text: JSON.stringify(entries.map(([key, item]) => [key, item.type, item.text])) };
  }
  return { type: 'empty', text: '' };
}

function attributes(value: unknown, where: Where): Attributes {
  const out = new Map<string, AttrValue>();
  list(value, where).forEach((item, i) => {
    const w = at(where, i);
    const kv = object(item, w);
    out.set(text(kv['key'], at(w, 'key')), anyValue(kv['value'], at(w, 'value')));
  });
  return out;
}

function event(value: unknown, where: Where): TraceEvent {
  const e = object(value, where);
  return {
    name: text(e['name'], at(where, 'name')),
    timeNs: integer(e['timeUnixNano'], at(where, 'timeUnixNano')),
    attributes: attributes(e['attributes'], at(where, 'attributes')),
  };
}

/** Reads every span of every document, in file order. */
export function decodeRequests(documents: readonly LocatedDocument[], file: string): TraceFile {
  const spans: TraceSpan[] = [];
  const resources: Attributes[] = [];
  const resourceIndex = new Map<string, number>();
  for (const { document, line, path } of documents) {
    const root: Where = { file, line, path };
    const request = object(document, root);
    list(request['resourceSpans'], at(root, 'resourceSpans')).forEach((rsValue, i) => {
      const rsWhere = at(at(root, 'resourceSpans'), i);
      const rs = object(rsValue, rsWhere);
      const resourceWhere = at(rsWhere, 'resource');
      const resource = attributes(object(rs['resource'] ?? {}, resourceWhere)['attributes'], at(resourceWhere, 'attributes'));
      // Resources are compared once per distinct resource, not once per span.
      const resourceKey = JSON.stringify([...resource]);
      let resourceId = resourceIndex.get(resourceKey);
      if (resourceId === undefined) {
        resourceId = resources.push(resource) - 1;
        resourceIndex.set(resourceKey, resourceId);
      }
      list(rs['scopeSpans'], at(rsWhere, 'scopeSpans')).forEach((ssValue, j) => {
        const ssWhere = at(at(rsWhere, 'scopeSpans'), j);
        const ss = object(ssValue, ssWhere);
        const scope = text(object(ss['scope'] ?? {}, at(ssWhere, 'scope'))['name'], at(at(ssWhere, 'scope'), 'name'));
        list(ss['spans'], at(ssWhere, 'spans')).forEach((spanValue, k) => {
          spans.push(span(spanValue, at(at(ssWhere, 'spans'), k), { index: spans.length, line, resource: resourceId, scope }));
        });
      });
    });
  }
  return { path: file, spans, resources };
}

function span(value: unknown, where: Where, context: Pick<TraceSpan, 'index' | 'line' | 'resource' | 'scope'>): TraceSpan {
  const s = object(value, where);
  const name = s['name'];
  if (typeof name !== 'string') fail(at(where, 'name'), 'the span name (a string)', name);
  const status = object(s['status'] ?? {}, at(where, 'status'));
  return {
    ...context,
    traceId: text(s['traceId'], at(where, 'traceId')),
    spanId: text(s['spanId'], at(where, 'spanId')),
    parentSpanId: text(s['parentSpanId'], at(where, 'parentSpanId')),
    flags: Number(integer(s['flags'], at(where, 'flags'))),
    name,
    kind: enumValue(s['kind'], SPAN_KINDS, at(where, 'kind')),
    startNs: integer(s['startTimeUnixNano'], at(where, 'startTimeUnixNano')),
    endNs: integer(s['endTimeUnixNano'], at(where, 'endTimeUnixNano')),
    attributes: attributes(s['attributes'], at(where, 'attributes')),
    events: list(s['events'], at(where, 'events')).map((e, i) => event(e, at(at(where, 'events'), i))),
    statusCode: enumValue(status['code'], STATUS_CODES, at(at(where, 'status'), 'code')),
    statusMessage: text(status['message'], at(at(where, 'status'), 'message')),
  };
}
