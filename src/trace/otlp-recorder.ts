// The simulation's TraceRecorder, built on the OTEL JS SDK: records arrive as plain data in virtual
// time order and become vLLM's spans and events (spec C.2-C.6). Everything that would make the SDK
// non-deterministic is supplied explicitly: ids from a seeded stream, every time as an HrTime derived
// from the virtual clock, an always-on sampler, no span limits (OTEL's default keeps 128 events a
// span), and a resource built from given attributes only (no host/process/env detection).
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type HrTime,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { AlwaysOnSampler, BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ApiEventRecord, JourneyRecord, StepRecord, TraceRecorder, TraceStats, TracedRequest } from './records.js';
import type { SinkReport, SpanSink } from './span-sink.js';
import { EndOrderProcessor } from './end-order.js';
import { SeededIdGenerator } from './seeded-ids.js';
import { StepWindows } from './step-windows.js';
import { VirtualClock } from './virtual-clock.js';
import * as vocab from './vocabulary.js';
import { IndexMap } from '../engine/index-map.js';

export interface TraceRecorderOptions {
  /** Run seed; trace and span ids come from `derivedStream(seed, 'trace-ids')`. */
  readonly seed: number;
  /** Wall-clock ns of virtual time 0 (default 2026-01-01T00:00:00Z). */
  readonly epochNs?: bigint | number;
  /** `service.name` (vLLM: `vllm` unless OTEL_SERVICE_NAME is set; the caller decides). */
  readonly serviceName: string;
  /** Further fixed resource attributes, e.g. `simtrace.scenario`, `simtrace.seed`. */
  readonly resourceAttributes?: Readonly<Record<string, string | number>>;
  /** `--step-tracing-closure-interval` (vLLM default 100). */
  readonly stepClosureInterval: number;
  /** When on, `scheduler_steps_1` opens at virtual time 0 and step() records become step events. */
  readonly stepTracing: boolean;
  readonly sinks: readonly SpanSink[];
}

/** close() rejects with this when a sink's primary output (the trace file) could not be written. */
export class TraceOutputError extends Error {
  constructor(
    message: string,
    readonly stats: TraceStats,
  ) {
    super(message);
    this.name = 'TraceOutputError';
  }
}

interface RequestSpans {
  api: Span | undefined;
  /** Kept after llm_request ends: the engine may still start llm_core under it (abort races). */
  readonly apiContext: SpanContext;
  readonly engineRequestId: string;
  core: Span | undefined;
  coreStarted: boolean;
}

const NO_LIMIT = Number.POSITIVE_INFINITY;

class OtlpTraceRecorder implements TraceRecorder {
  private readonly clock: VirtualClock;
  private readonly provider: BasicTracerProvider;
  private readonly processor: EndOrderProcessor;
  private readonly apiTracer;
  private readonly coreTracer;
  private readonly stepTracer;
  /** Open requests' spans by index (an IndexMap: see there why not a Map). */
  private readonly requests = new IndexMap<RequestSpans>();
  private readonly windows: StepWindows | undefined;
  private stepSpan: Span | undefined;
  private spans = 0;
  private events = 0;
  private closing: Promise<TraceStats> | undefined;

  constructor(private readonly options: TraceRecorderOptions) {
    this.clock = new VirtualClock(options.epochNs);
    this.processor = new EndOrderProcessor((spans) => this.dispatch(spans));
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName, ...options.resourceAttributes }),
      idGenerator: new SeededIdGenerator(options.seed),
      sampler: new AlwaysOnSampler(),
      spanLimits: {
        attributeCountLimit: NO_LIMIT,
        attributeValueLengthLimit: NO_LIMIT,
        eventCountLimit: NO_LIMIT,
        linkCountLimit: NO_LIMIT,
        attributePerEventCountLimit: NO_LIMIT,
        attributePerLinkCountLimit: NO_LIMIT,
      },
      generalLimits: { attributeCountLimit: NO_LIMIT, attributeValueLengthLimit: NO_LIMIT },
      spanProcessors: [this.processor],
    });
    this.apiTracer = this.provider.getTracer(vocab.SCOPE_API);
    this.coreTracer = this.provider.getTracer(vocab.SCOPE_SCHEDULER);
    this.stepTracer = this.provider.getTracer(vocab.SCOPE_STEP);
    if (options.stepTracing) {
      this.windows = new StepWindows(options.stepClosureInterval);
      this.stepSpan = this.openStepWindow(0);
    }
  }

  startRequestSpan(request: TracedRequest, timeNs: number): void {
    if (this.requests.has(request.index)) throw new Error(`request ${request.index}: llm_request started twice`);
    const span = this.apiTracer.startSpan(
      vocab.SPAN_REQUEST,
      { kind: SpanKind.SERVER, startTime: this.at(timeNs), attributes: vocab.requestSpanAttributes(request) },
      ROOT_CONTEXT,
    );
    this.requests.set(request.index, {
      api: span,
      apiContext: span.spanContext(),
      engineRequestId: request.engineRequestId,
      core: undefined,
      coreStarted: false,
    });
  }

  apiEvent(requestIndex: number, event: ApiEventRecord): void {
    addOwnedEvent(this.openApiSpan(requestIndex), event.name, vocab.apiEventAttributes(event), this.at(event.timeNs));
  }

  endRequestSpan(
    requestIndex: number,
    timeNs: number,
    end: { readonly completionTokens?: number; readonly errorMessage?: string },
  ): void {
    const span = this.openApiSpan(requestIndex);
    if (end.completionTokens !== undefined) span.setAttribute('gen_ai.usage.completion_tokens', end.completionTokens);
    if (end.errorMessage) span.setStatus({ code: SpanStatusCode.ERROR, message: end.errorMessage });
    span.end(this.at(timeNs));
    const entry = this.requests.get(requestIndex) as RequestSpans;
    entry.api = undefined;
    this.forgetIfDone(requestIndex, entry);
  }

  startCoreSpan(requestIndex: number, timeNs: number): void {
    const entry = this.entry(requestIndex);
    if (entry.coreStarted) throw new Error(`request ${requestIndex}: llm_core started twice`);
    // vLLM hands the API span's context to the engine as injected trace headers, so the engine sees
    // a remote parent: same trace id, parent span id = llm_request's.
    // Spelled out rather than spread: a spread here cost about 2 us a request (issue 9).
    const { traceId, spanId, traceFlags, traceState } = entry.apiContext;
    const parent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId, traceFlags, traceState, isRemote: true });
    entry.core = this.coreTracer.startSpan(
      vocab.SPAN_CORE,
      {
        kind: SpanKind.INTERNAL,
        startTime: this.at(timeNs),
        attributes: { 'gen_ai.request.id': entry.engineRequestId },
      },
      parent,
    );
    entry.coreStarted = true;
  }

  journeyEvent(requestIndex: number, event: JourneyRecord): void {
    const span = this.openCoreSpan(requestIndex);
    addOwnedEvent(span, vocab.journeyEventName(event.type), vocab.journeyAttributes(event), this.at(event.timeNs));
  }

  endCoreSpan(requestIndex: number, timeNs: number): void {
    this.openCoreSpan(requestIndex).end(this.at(timeNs));
    const entry = this.requests.get(requestIndex) as RequestSpans;
    entry.core = undefined;
    this.forgetIfDone(requestIndex, entry);
  }

  step(record: StepRecord): void {
    if (this.windows === undefined || this.stepSpan === undefined) return; // step tracing off
    const time = this.at(record.timeNs);
    if (record.summary !== undefined) {
      addOwnedEvent(this.stepSpan, 'step.BATCH_SUMMARY', vocab.batchSummaryAttributes(record.summary), time);
      for (const snapshot of record.snapshots ?? []) {
        addOwnedEvent(this.stepSpan, 'step.REQUEST_SNAPSHOT', vocab.snapshotAttributes(snapshot), time);
      }
    }
    const action = this.windows.afterStep(record.step, record.summary !== undefined);
    if (action.kind === 'rotate') {
      this.stepSpan.setAttribute('scheduler.step_range_end', action.rangeEnd);
      this.stepSpan.end(time);
      this.stepSpan = this.openStepWindow(record.timeNs);
    }
  }

  close(timeNs: number, lastStep: number): Promise<TraceStats> {
    this.closing ??= this.finish(timeNs, lastStep);
    return this.closing;
  }

  private async finish(timeNs: number, lastStep: number): Promise<TraceStats> {
    const messages: string[] = [];
    if (this.stepSpan !== undefined) {
      this.stepSpan.setAttribute('scheduler.step_range_end', lastStep);
      this.stepSpan.end(this.at(timeNs));
      this.stepSpan = undefined;
    }
    const open = this.countOpenSpans();
    if (open > 0) {
      messages.push(`${open} request span(s) still open at the end of the run were not exported (as in vLLM, a span is exported when it ends)`);
    }
    await this.processor.forceFlush();
    const reports = await Promise.all(this.options.sinks.map((sink) => closeSink(sink)));
    const stats: TraceStats = {
      spans: this.spans,
      events: this.events,
      undeliveredSpans: reports.reduce((sum, report) => sum + report.undelivered, 0),
      messages: [...messages, ...reports.flatMap((report) => report.messages)],
    };
    const failed = reports.filter((report) => !report.ok);
    if (failed.length > 0) throw new TraceOutputError(failed.flatMap((r) => r.messages).join('; '), stats);
    return stats;
  }

  /** Converts a record's time and lets the end-order buffer release spans that ended before it. */
  private at(timeNs: number): HrTime {
    const time = this.clock.toHrTime(timeNs);
    this.processor.advanceTo(time);
    return time;
  }

  private openStepWindow(timeNs: number): Span {
    const windows = this.windows as StepWindows;
    return this.stepTracer.startSpan(
      vocab.stepSpanName(windows.sequence),
      {
        kind: SpanKind.INTERNAL,
        startTime: this.at(timeNs),
        attributes: {
          'scheduler.span_sequence': windows.sequence,
          'scheduler.step_range_start': windows.rangeStart,
          'scheduler.closure_interval': windows.interval,
        },
      },
      ROOT_CONTEXT,
    );
  }

  private dispatch(spans: readonly ReadableSpan[]): void {
    this.spans += spans.length;
    for (const span of spans) this.events += span.events.length;
    for (const sink of this.options.sinks) sink.write(spans);
  }

  private entry(requestIndex: number): RequestSpans {
    const entry = this.requests.get(requestIndex);
    if (entry === undefined) throw new Error(`request ${requestIndex}: no llm_request span (startRequestSpan not called)`);
    return entry;
  }

  private openApiSpan(requestIndex: number): Span {
    const span = this.entry(requestIndex).api;
    if (span === undefined) throw new Error(`request ${requestIndex}: llm_request already ended`);
    return span;
  }

  private openCoreSpan(requestIndex: number): Span {
    const span = this.entry(requestIndex).core;
    if (span === undefined) throw new Error(`request ${requestIndex}: no open llm_core span`);
    return span;
  }

  private forgetIfDone(requestIndex: number, entry: RequestSpans): void {
    if (entry.api === undefined && entry.coreStarted && entry.core === undefined) this.requests.delete(requestIndex);
  }

  private countOpenSpans(): number {
    let open = 0;
    for (const entry of this.requests.values()) open += (entry.api ? 1 : 0) + (entry.core ? 1 : 0);
    return open;
  }
}

/**
 * `span.addEvent(name, attributes, time)` for an attributes object the caller owns and never touches
 * again. The SDK would sanitize the attributes (a validated copy) and copy them once more applying
 * limits; with no limits configured and the vocabulary building a fresh object of primitives per
 * event, both copies only cost time (about 8% of the tracing CPU of a traced run). So the event is
 * recorded through the SDK without attributes and then given this object as is. An ended span records
 * nothing, as with addEvent.
 */
export function addOwnedEvent(span: Span, name: string, attributes: Attributes, time: HrTime): void {
  const events = (span as unknown as ReadableSpan).events;
  const before = events.length;
  span.addEvent(name, time);
  const event = events[before];
  if (event !== undefined) event.attributes = attributes;
}

/** A sink that throws on close is reported as failed rather than breaking the other sinks' close. */
async function closeSink(sink: SpanSink): Promise<SinkReport> {
  try {
    return await sink.close();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { sink: 'sink', delivered: 0, undelivered: 0, messages: [`sink failed to close: ${message}`], ok: false };
  }
}

export function createTraceRecorder(options: TraceRecorderOptions): TraceRecorder {
  return new OtlpTraceRecorder(options);
}
