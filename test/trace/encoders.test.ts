// The two hand-written encoders agree with each other and with the official .proto definitions:
// random spans encoded to OTLP/JSON and to protobuf (decoded by protobufjs) give the same typed data.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Attributes, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { encodeExportRequest, encodeResource, encodeScope, encodeSpan, ProtoWriter } from '../../src/trace/otlp-protobuf.js';
import { DEFAULT_OTLP_JSON_OPTIONS, LINE_SUFFIX_JSON, SCOPE_CLOSE_JSON, attributesJson, linePrefixJson, scopeOpenJson, writeSpanJson } from '../../src/trace/otlp-json.js';
import { attributeKind } from '../../src/trace/vocabulary.js';
import { exportTraceServiceRequestType } from './otlp-receiver.js';
import { normaliseDecodedRequest, normaliseJsonRequest } from './otlp-normal-form.js';

const KEYS = ['kv.usage_gpu_ratio', 'ts.monotonic', 'step.id', 'request.id', 'phase', 'flag', 'x.int', 'gen_ai.request.top_p'];

const attributeValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.constantFrom(0, 1, -1, 2 ** 31, 2 ** 32, 0.5, 1e-7, 1e21),
  fc.double(),
  fc.boolean(),
);
const attributes = fc.dictionary(fc.constantFrom(...KEYS), attributeValue, { maxKeys: 6 }) as fc.Arbitrary<Attributes>;
const hrTime = fc.tuple(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: 0, max: 999_999_999 })) as fc.Arbitrary<HrTime>;
const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));

const span = fc.record({
  traceId: hex(16),
  spanId: hex(8),
  parent: fc.option(fc.record({ spanId: hex(8), isRemote: fc.boolean() }), { nil: undefined }),
  name: fc.string({ minLength: 1, maxLength: 10 }),
  kind: fc.integer({ min: 0, max: 4 }),
  start: hrTime,
  end: hrTime,
  attributes,
  events: fc.array(fc.record({ name: fc.string({ maxLength: 8 }), time: hrTime, attributes }), { maxLength: 4 }),
  status: fc.oneof(fc.constant({ code: 0 }), fc.record({ code: fc.constant(2), message: fc.string({ minLength: 1, maxLength: 8 }) })),
  scope: fc.constantFrom('vllm.api', 'vllm.scheduler', 'vllm.scheduler.step'),
});

const resource = { attributes: { 'service.name': 'vllm', 'simtrace.seed': 3 } };
const scopes = new Map<string, { name: string }>();

type GeneratedSpan = typeof span extends fc.Arbitrary<infer T> ? T : never;

function readable(s: GeneratedSpan): ReadableSpan {
  let scope = scopes.get(s.scope);
  if (!scope) scopes.set(s.scope, (scope = { name: s.scope }));
  return {
    name: s.name,
    kind: s.kind,
    spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1 }),
    parentSpanContext: s.parent && { traceId: s.traceId, spanId: s.parent.spanId, traceFlags: 1, isRemote: s.parent.isRemote },
    startTime: s.start,
    endTime: s.end,
    status: s.status,
    attributes: s.attributes,
    links: [],
    events: s.events.map((e) => ({ name: e.name, time: e.time, attributes: e.attributes, droppedAttributesCount: 0 })),
    duration: [0, 0],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  } as unknown as ReadableSpan;
}

function viaJson(spans: ReadableSpan[]) {
  const first = spans[0] as ReadableSpan;
  let text = linePrefixJson(first, DEFAULT_OTLP_JSON_OPTIONS);
  spans.forEach((s, i) => {
    text += i === 0 ? scopeOpenJson(s) : s.instrumentationScope === spans[i - 1]?.instrumentationScope ? ',' : `${SCOPE_CLOSE_JSON},${scopeOpenJson(s)}`;
    writeSpanJson(s, (piece) => (text += piece), DEFAULT_OTLP_JSON_OPTIONS);
  });
  text += SCOPE_CLOSE_JSON + LINE_SUFFIX_JSON;
  return normaliseJsonRequest(JSON.parse(text) as Record<string, unknown>);
}

function viaProtobuf(spans: ReadableSpan[]) {
  const runs: { scope: Uint8Array; spans: Uint8Array[] }[] = [];
  spans.forEach((s, i) => {
    if (i === 0 || s.instrumentationScope !== spans[i - 1]?.instrumentationScope) runs.push({ scope: encodeScope(s.instrumentationScope), spans: [] });
    runs[runs.length - 1]?.spans.push(encodeSpan(s));
  });
  const type = exportTraceServiceRequestType();
  const bytes = encodeExportRequest(encodeResource(spans[0] as ReadableSpan), runs);
  return normaliseDecodedRequest(type.toObject(type.decode(bytes), { longs: String, enums: Number, bytes: String, oneofs: true }));
}

describe('OTLP encoders', () => {
  it('JSON and protobuf carry the same spans, types decided by the vocabulary', () => {
    fc.assert(
      fc.property(fc.array(span, { minLength: 1, maxLength: 5 }), (generated) => {
        const spans = generated.map(readable);
        const fromJson = viaJson(spans);
        expect(viaProtobuf(spans)).toEqual(fromJson);
        generated.forEach((g, i) => {
          const expectedTypes = Object.entries(g.attributes).map(([k, v]) => attributeKind(k, v));
          expect(fromJson[i]?.attributes.map((a) => a.type)).toEqual(expectedTypes);
        });
      }),
      { numRuns: 300, seed: 20260101 },
    );
  });

  it('keeps whole-valued doubles as doubles on both encodings', () => {
    const s = readable({
      traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), parent: undefined, name: 'n', kind: 0, start: [1, 0], end: [2, 0],
      attributes: { 'kv.usage_gpu_ratio': 0, 'ts.monotonic': 1, 'step.id': 1 }, events: [], status: { code: 0 }, scope: 'vllm.scheduler.step',
    });
    for (const encoded of [viaJson([s]), viaProtobuf([s])]) {
      expect(encoded[0]?.attributes.map((a) => `${a.key}=${a.type}:${a.value}`)).toEqual([
        'kv.usage_gpu_ratio=double:0', 'ts.monotonic=double:1', 'step.id=int:1',
      ]);
    }
  });
});

describe('OTLP/JSON attribute cache', () => {
  const uncached = (key: string, value: string | number | boolean, ints: 'string' | 'number'): string => {
    const kind = attributeKind(key, value);
    const field = kind === 'string' ? 'stringValue' : kind === 'bool' ? 'boolValue' : kind === 'int' ? 'intValue' : 'doubleValue';
    const json = kind === 'int' && ints === 'string' ? `"${value}"` : JSON.stringify(value);
    return `{"key":${JSON.stringify(key)},"value":{"${field}":${json}}}`;
  };

  it('keeps values of different types and int forms apart when they repeat', () => {
    const values: (string | number | boolean)[] = ['1', 1, true, 'true', 0, -0, 1.5, 'é"\\'];
    for (const ints of ['number', 'string', 'number'] as const) {
      for (let pass = 0; pass < 2; pass++) {
        for (const value of values) {
          expect(attributesJson({ 'cache.k': value }, { intValues: ints })).toBe(`[${uncached('cache.k', value, ints)}]`);
          expect(attributesJson({ other: 'x', 'cache.k': value }, { intValues: ints })).toBe(
            `[${uncached('other', 'x', ints)},${uncached('cache.k', value, ints)}]`,
          );
        }
      }
    }
    // Same value under a double key and an int key.
    expect(attributesJson({ 'ts.monotonic': 2, 'cache.k': 2 }, DEFAULT_OTLP_JSON_OPTIONS)).toBe(
      '[{"key":"ts.monotonic","value":{"doubleValue":2}},{"key":"cache.k","value":{"intValue":2}}]',
    );
  });

  it('stays exact for a key with more distinct values than it caches', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_000; i += 7) {
        expect(attributesJson({ 'cache.id': `id-${i}`, 'cache.n': i }, DEFAULT_OTLP_JSON_OPTIONS)).toBe(
          `[${uncached('cache.id', `id-${i}`, 'number')},${uncached('cache.n', i, 'number')}]`,
        );
      }
    }
  });
});

describe('ProtoWriter', () => {
  it('writes canonical varints and lengths around the 1-byte/2-byte boundaries', () => {
    const w = new ProtoWriter();
    w.varint(0).varint(127).varint(128).varint(300).varint(2 ** 53 - 1);
    w.tag(1, 2).fork();
    for (let i = 0; i < 200; i++) w.varint(1);
    w.ldelim();
    const out = Buffer.from(w.finish());
    expect(out.subarray(0, 6).toString('hex')).toBe('007f8001ac02');
    expect(out.subarray(6, 14).toString('hex')).toBe('ffffffffffffff0f'); // 2^53 - 1
    expect(out.subarray(14, 17).toString('hex')).toBe('0ac801'); // tag 1/LEN, then 200 as a 2-byte varint
    expect(out.length).toBe(17 + 200);
  });

  it('encodes negative int64 as ten-byte two\'s complement', () => {
    expect(Buffer.from(new ProtoWriter().int64(-1).finish()).toString('hex')).toBe('ffffffffffffffffff01');
  });
});
