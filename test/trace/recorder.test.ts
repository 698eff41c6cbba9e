// Recorder bookkeeping: misuse is loud, unfinished spans are reported rather than exported, and the
// SDK never drops events (OTEL's default limit is 128 events a span).
import { describe, expect, it } from 'vitest';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createTraceRecorder } from '../../src/trace/index.js';
import { addOwnedEvent } from '../../src/trace/otlp-recorder.js';
import type { TraceRecorder } from '../../src/trace/records.js';
import { MemorySink } from './helpers/memory-sink.js';
import { REQUESTS } from './helpers/golden-run.js';

const base = REQUESTS[0] as (typeof REQUESTS)[0];

function recorder(sink = new MemorySink()): { r: TraceRecorder; sink: MemorySink } {
  return { r: createTraceRecorder({ seed: 5, serviceName: 'vllm', stepClosureInterval: 10, stepTracing: false, sinks: [sink] }), sink };
}

describe('recorder', () => {
  it('throws on calls for unknown or finished requests', () => {
    const { r } = recorder();
    expect(() => r.apiEvent(9, { name: 'api.ARRIVED', timeNs: 0 })).toThrow(/no llm_request span/);
    r.startRequestSpan(base, 0);
    expect(() => r.startRequestSpan(base, 1)).toThrow(/started twice/);
    expect(() => r.journeyEvent(0, { type: 'QUEUED', timeNs: 1, step: 0, phase: 'WAITING', prefillDoneTokens: 0, prefillTotalTokens: 1, decodeDoneTokens: 0, decodeMaxTokens: 1, numPreemptions: 0 })).toThrow(/no open llm_core/);
    r.endRequestSpan(0, 2, {});
    expect(() => r.apiEvent(0, { name: 'api.DEPARTED', timeNs: 3 })).toThrow(/already ended/);
    expect(() => r.startRequestSpan({ ...base, index: 1 }, -5)).toThrow(RangeError);
  });

  it('starts llm_core after its llm_request ended (abort races) under the same trace', async () => {
    const { r, sink } = recorder();
    r.startRequestSpan(base, 0);
    r.endRequestSpan(0, 10, { errorMessage: 'Client disconnected' });
    r.startCoreSpan(0, 20);
    r.endCoreSpan(0, 30);
    await r.close(40, 0);
    const [api, core] = sink.spans;
    expect(core?.spanContext().traceId).toBe(api?.spanContext().traceId);
    expect(core?.parentSpanContext?.spanId).toBe(api?.spanContext().spanId);
  });

  it('reports spans still open at close instead of exporting them', async () => {
    const { r, sink } = recorder();
    r.startRequestSpan(base, 0);
    r.startCoreSpan(0, 1);
    const stats = await r.close(100, 0);
    expect(sink.spans).toEqual([]);
    expect(stats.messages).toEqual([
      '2 request span(s) still open at the end of the run were not exported (as in vLLM, a span is exported when it ends)',
    ]);
  });

  it('keeps every event and attribute, far beyond the SDK defaults of 128', async () => {
    const { r, sink } = recorder();
    r.startRequestSpan(base, 0);
    for (let i = 0; i < 1_000; i++) r.apiEvent(0, { name: 'api.ARRIVED', timeNs: i });
    r.endRequestSpan(0, 1_000, {});
    const stats = await r.close(1_000, 0);
    expect(stats.events).toBe(1_000);
    expect(sink.spans[0]?.events).toHaveLength(1_000);
    expect(sink.spans[0]?.droppedEventsCount).toBe(0);
  });

  it('close() is idempotent', async () => {
    const { r } = recorder();
    const first = r.close(0, 0);
    expect(r.close(5, 5)).toBe(first);
    await first;
  });

  it('addOwnedEvent records what span.addEvent records, without copying the attributes', () => {
    const tracer = new BasicTracerProvider().getTracer('t');
    const viaSdk = tracer.startSpan('a', { startTime: [1, 0] });
    const owned = tracer.startSpan('b', { startTime: [1, 0] });
    const attributes = { 'event.type': 'QUEUED', 'ts.monotonic': 1.5, flag: true };
    viaSdk.addEvent('journey.QUEUED', attributes, [2, 5]);
    addOwnedEvent(owned, 'journey.QUEUED', attributes, [2, 5]);
    const sdkEvents = (viaSdk as unknown as ReadableSpan).events;
    const ownedEvents = (owned as unknown as ReadableSpan).events;
    expect(ownedEvents).toEqual(sdkEvents);
    expect(ownedEvents[0]?.attributes).toBe(attributes);
    // An ended span takes no more events, and must not have its last event's attributes replaced.
    owned.end([3, 0]);
    addOwnedEvent(owned, 'late', { other: 1 }, [4, 0]);
    expect(ownedEvents).toHaveLength(1);
    expect(ownedEvents[0]?.attributes).toBe(attributes);
  });
});
