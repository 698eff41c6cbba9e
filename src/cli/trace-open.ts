// Chooses the trace recorder of a CLI run: a file sink for --trace-out, an OTLP/HTTP sink for
// --otlp-endpoint (or the OTEL_EXPORTER_OTLP_* variables, as the OTEL SDKs read them). Reading the
// environment is allowed here: it decides where spans go, never what they contain, except
// OTEL_SERVICE_NAME, which vLLM itself honours for `service.name`.
//
// This module is light on purpose: a run that writes no trace never loads the OpenTelemetry SDK, and
// one that writes only a file never loads the OTLP exporter (openCliTraceRecorder imports them).
import type { SimulationConfig } from '../server/scenario-config.js';
import type { JsonlFileSink } from '../trace/jsonl-file-sink.js';
import type { OtlpHttpSink } from '../trace/otlp-http-sink.js';
import type { createTraceRecorder } from '../trace/otlp-recorder.js';
import type { SpanSink } from '../trace/span-sink.js';
import type { TraceRecorder } from '../trace/records.js';
import { resolveOtlpEndpoint } from '../trace/otlp-endpoint.js';

export interface TraceOutputOptions {
  readonly traceOut: string | undefined;
  readonly otlpEndpoint: string | undefined;
}

export interface CliTrace {
  readonly recorder: TraceRecorder | null;
  /** Notes for stderr (where spans go, or why nothing will be traced). */
  readonly notes: readonly string[];
}

/** The trace layer's modules a CLI trace is built from (the OTLP sink only when spans are exported). */
export interface CliTraceParts {
  readonly createTraceRecorder: typeof createTraceRecorder;
  readonly JsonlFileSink: typeof JsonlFileSink;
  readonly OtlpHttpSink: typeof OtlpHttpSink | undefined;
}

export function buildCliTrace(config: SimulationConfig, seed: number, options: TraceOutputOptions, parts: CliTraceParts): CliTrace {
  const notes: string[] = [];
  const sinks: SpanSink[] = [];
  // One span per line: a golden trace then diffs span by span in code review.
  if (options.traceOut !== undefined) sinks.push(new parts.JsonlFileSink({ path: options.traceOut, maxSpansPerLine: 1 }));
  const endpoint = resolveOtlpEndpoint(options.otlpEndpoint, process.env);
  if (endpoint !== undefined) {
    if (parts.OtlpHttpSink === undefined) throw new Error('the OTLP/HTTP sink was not loaded');
    // Headers, compression and timeouts come from OTEL_EXPORTER_OTLP_*, read by the OTLP exporter base.
    sinks.push(new parts.OtlpHttpSink({ url: endpoint.url }));
    notes.push(`exporting spans to ${endpoint.url} (${endpoint.source})`, ...endpoint.notes);
  }
  if (sinks.length === 0) return { recorder: null, notes };
  const { enableJourneyTracing, stepTracingEnabled, stepTracingClosureInterval } = config.observability;
  if (!enableJourneyTracing && !stepTracingEnabled) {
    notes.push('the scenario enables neither journey nor step tracing (observability.*), so no span will be written');
  }
  const recorder = parts.createTraceRecorder({
    seed,
    epochNs: config.epochNs,
    serviceName: process.env.OTEL_SERVICE_NAME || 'vllm',
    resourceAttributes: { 'simtrace.scenario': config.name, 'simtrace.seed': seed },
    stepClosureInterval: stepTracingClosureInterval,
    stepTracing: stepTracingEnabled,
    sinks,
  });
  return { recorder, notes };
}

/** Whether spans go to an OTLP endpoint; a bad endpoint counts as yes (building the trace reports it). */
function exportsSpans(options: TraceOutputOptions): boolean {
  try {
    return resolveOtlpEndpoint(options.otlpEndpoint, process.env) !== undefined;
  } catch {
    return true;
  }
}

/**
 * The trace recorder of a CLI run, as createCliTraceRecorder (./trace-setup.ts) makes it, importing
 * the OpenTelemetry modules only when spans go somewhere: no file and no endpoint, no SDK.
 */
export async function openCliTraceRecorder(config: SimulationConfig, seed: number, options: TraceOutputOptions): Promise<CliTrace> {
  const exporting = exportsSpans(options);
  if (options.traceOut === undefined && !exporting) return { recorder: null, notes: [] };
  const [{ createTraceRecorder }, { JsonlFileSink }, http] = await Promise.all([
    import('../trace/otlp-recorder.js'),
    import('../trace/jsonl-file-sink.js'),
    exporting ? import('../trace/otlp-http-sink.js') : undefined,
  ]);
  return buildCliTrace(config, seed, options, { createTraceRecorder, JsonlFileSink, OtlpHttpSink: http?.OtlpHttpSink });
}
