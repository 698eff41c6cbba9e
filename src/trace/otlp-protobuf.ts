// OTLP protobuf encoding of spans (opentelemetry/proto/trace/v1/trace.proto), typed by vLLM's
// vocabulary like the JSON encoder: the SDK's own protobuf serializer writes every whole-valued
// number as int_value, which would turn kv.usage_gpu_ratio 0.0 into an int on the wire. Each span is
// encoded on its own (so a sink can size batches exactly) and requests are assembled from those bytes.
import type { Attributes } from '@opentelemetry/api';
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { attributeKind } from './vocabulary.js';
import { otlpSpanFlags, otlpSpanKind } from './span-sink.js';

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;
/** Space reserved for a length prefix; any protobuf message length fits in 5 varint bytes. */
const LEN_RESERVE = 5;

/** A growable buffer writer; nested messages reserve a length prefix and shift into place at ldelim. */
export class ProtoWriter {
  private buf = Buffer.alloc(4096);
  private pos = 0;
  private readonly starts: number[] = [];

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  /** Unsigned varint for 0 <= value < 2^53. */
  varint(value: number): this {
    this.ensure(10);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** int64 (two's complement varint; negatives take 10 bytes). */
  int64(value: number): this {
    if (value >= 0) return this.varint(value);
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  fixed32(value: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(value >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** HrTime as fixed64 nanoseconds since the Unix epoch. */
  fixed64Time(time: HrTime): this {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]), this.pos);
    this.pos += 8;
    return this;
  }

  double(value: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
    return this;
  }

  string(value: string): this {
    const length = Buffer.byteLength(value, 'utf8');
    this.varint(length).ensure(length);
    this.pos += this.buf.write(value, this.pos, 'utf8');
    return this;
  }

  bytes(value: Uint8Array): this {
    this.varint(value.length).ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** Starts a length-delimited field's body (call tag(field, 2) first). */
  fork(): this {
    this.ensure(LEN_RESERVE);
    this.starts.push(this.pos);
    this.pos += LEN_RESERVE;
    return this;
  }

  /** Ends the body started by fork(): writes its length and moves the body up against it. */
  ldelim(): this {
    const start = this.starts.pop();
    if (start === undefined) throw new Error('ProtoWriter: ldelim without fork');
    const bodyStart = start + LEN_RESERVE;
    const length = this.pos - bodyStart;
    this.pos = start;
    this.varint(length);
    const shift = bodyStart - this.pos;
    if (shift > 0) this.buf.copyWithin(this.pos, bodyStart, bodyStart + length);
    this.pos += length;
    return this;
  }

  finish(): Uint8Array {
    if (this.starts.length > 0) throw new Error('ProtoWriter: unterminated fork');
    return new Uint8Array(this.buf.subarray(0, this.pos));
  }

  private ensure(extra: number): this {
    if (this.pos + extra <= this.buf.length) return this;
    const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
    return this;
  }
}

function writeAttributes(w: ProtoWriter, field: number, attributes: Attributes): void {
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    const kind = attributeKind(key, value);
    if (kind === undefined) continue;
    w.tag(field, WIRE_LEN).fork(); // KeyValue
    w.tag(1, WIRE_LEN).string(key);
    w.tag(2, WIRE_LEN).fork(); // AnyValue
    if (kind === 'string') w.tag(1, WIRE_LEN).string(value as string);
    else if (kind === 'bool') w.tag(2, WIRE_VARINT).varint(value ? 1 : 0);
    else if (kind === 'int') w.tag(3, WIRE_VARINT).int64(value as number);
    else w.tag(4, WIRE_FIXED64).double(value as number);
    w.ldelim().ldelim();
  }
}

function hexBytes(hex: string): Uint8Array {
  return Buffer.from(hex, 'hex');
}

/** One `Span` message body (without its own tag and length). */
export function encodeSpan(span: ReadableSpan): Uint8Array {
  const w = new ProtoWriter();
  const context = span.spanContext();
  w.tag(1, WIRE_LEN).bytes(hexBytes(context.traceId));
  w.tag(2, WIRE_LEN).bytes(hexBytes(context.spanId));
  const traceState = context.traceState?.serialize();
  if (traceState) w.tag(3, WIRE_LEN).string(traceState);
  if (span.parentSpanContext?.spanId) w.tag(4, WIRE_LEN).bytes(hexBytes(span.parentSpanContext.spanId));
  w.tag(5, WIRE_LEN).string(span.name);
  w.tag(6, WIRE_VARINT).varint(otlpSpanKind(span.kind));
  w.tag(7, WIRE_FIXED64).fixed64Time(span.startTime);
  w.tag(8, WIRE_FIXED64).fixed64Time(span.endTime);
  writeAttributes(w, 9, span.attributes);
  if (span.droppedAttributesCount) w.tag(10, WIRE_VARINT).varint(span.droppedAttributesCount);
  for (const event of span.events) {
    w.tag(11, WIRE_LEN).fork();
    w.tag(1, WIRE_FIXED64).fixed64Time(event.time);
    w.tag(2, WIRE_LEN).string(event.name);
    if (event.attributes) writeAttributes(w, 3, event.attributes);
    if (event.droppedAttributesCount) w.tag(4, WIRE_VARINT).varint(event.droppedAttributesCount);
    w.ldelim();
  }
  if (span.droppedEventsCount) w.tag(12, WIRE_VARINT).varint(span.droppedEventsCount);
  if (span.droppedLinksCount) w.tag(14, WIRE_VARINT).varint(span.droppedLinksCount);
  w.tag(15, WIRE_LEN).fork();
  if (span.status.message) w.tag(2, WIRE_LEN).string(span.status.message);
  if (span.status.code) w.tag(3, WIRE_VARINT).varint(span.status.code);
  w.ldelim();
  w.tag(16, WIRE_FIXED32).fixed32(otlpSpanFlags(span));
  return w.finish();
}

/** `Resource` body for a span's resource. */
export function encodeResource(span: ReadableSpan): Uint8Array {
  const w = new ProtoWriter();
  writeAttributes(w, 1, span.resource.attributes);
  return w.finish();
}

/** `InstrumentationScope` body. */
export function encodeScope(scope: ReadableSpan['instrumentationScope']): Uint8Array {
  const w = new ProtoWriter();
  w.tag(1, WIRE_LEN).string(scope.name);
  if (scope.version) w.tag(2, WIRE_LEN).string(scope.version);
  return w.finish();
}

/** Consecutive spans of one scope, already encoded. */
export interface EncodedScopeRun {
  readonly scope: Uint8Array;
  readonly spans: readonly Uint8Array[];
}

/** An ExportTraceServiceRequest with one ResourceSpans holding the runs in order. */
export function encodeExportRequest(resource: Uint8Array, runs: readonly EncodedScopeRun[]): Uint8Array {
  const w = new ProtoWriter();
  w.tag(1, WIRE_LEN).fork(); // ResourceSpans
  w.tag(1, WIRE_LEN).bytes(resource);
  for (const run of runs) {
    w.tag(2, WIRE_LEN).fork(); // ScopeSpans
    w.tag(1, WIRE_LEN).bytes(run.scope);
    for (const span of run.spans) w.tag(2, WIRE_LEN).bytes(span);
    w.ldelim();
  }
  w.ldelim();
  return w.finish();
}

/** Upper bound of the bytes one span adds to a request beyond its body (tag + length prefix). */
export const SPAN_FRAMING_BYTES = 1 + LEN_RESERVE;
