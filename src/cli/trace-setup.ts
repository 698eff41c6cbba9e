// Chooses the trace recorder of a CLI run: a file sink for --trace-out, an OTLP/HTTP sink for
// --otlp-endpoint (or the OTEL_EXPORTER_OTLP_* variables, as the OTEL SDKs read them). Reading the
// environment is allowed here: it decides where spans go, never what they contain, except
// OTEL_SERVICE_NAME, which vLLM itself honours for `service.name`.
import type { SimulationConfig } from '../server/scenario-config.js';
import { createTraceRecorder, JsonlFileSink, OtlpHttpSink, resolveOtlpEndpoint, type SpanSink, type TraceRecorder } from '../trace/index.js';

export interface TraceOutputOptions {
  readonly traceOut: string | undefined;
  readonly otlpEndpoint: string | undefined;
}

export interface CliTrace {
  readonly recorder: TraceRecorder | null;
  /** Notes for stderr (where spans go, or why nothing will be traced). */
  readonly notes: readonly string[];
}

export function createCliTraceRecorder(config: SimulationConfig, seed: number, options: TraceOutputOptions): CliTrace {
  const notes: string[] = [];
  const sinks: SpanSink[] = [];
  // One span per line: a golden trace then diffs span by span in code review.
  if (options.traceOut !== undefined) sinks.push(new JsonlFileSink({ path: options.traceOut, maxSpansPerLine: 1 }));
  const endpoint = resolveOtlpEndpoint(options.otlpEndpoint, process.env);
  if (endpoint !== undefined) {
    // Headers, compression and timeouts come from OTEL_EXPORTER_OTLP_*, read by the OTLP exporter base.
    sinks.push(new OtlpHttpSink({ url: endpoint.url }));
    notes.push(`exporting spans to ${endpoint.url} (${endpoint.source})`, ...endpoint.notes);
  }
  if (sinks.length === 0) return { recorder: null, notes };
  const { enableJourneyTracing, stepTracingEnabled, stepTracingClosureInterval } = config.observability;
  if (!enableJourneyTracing && !stepTracingEnabled) {
    notes.push('the scenario enables neither journey nor step tracing (observability.*), so no span will be written');
  }
  const recorder = createTraceRecorder({
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
