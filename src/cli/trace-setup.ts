// The trace recorder of a CLI run, built synchronously (for library callers and tests). This module
// loads the whole OpenTelemetry SDK and the OTLP exporter; the CLI itself uses openCliTraceRecorder
// (./trace-open.ts), which loads them only when spans go somewhere.
import type { SimulationConfig } from '../server/scenario-config.js';
import { JsonlFileSink } from '../trace/jsonl-file-sink.js';
import { OtlpHttpSink } from '../trace/otlp-http-sink.js';
import { createTraceRecorder } from '../trace/otlp-recorder.js';
import { buildCliTrace, type CliTrace, type TraceOutputOptions } from './trace-open.js';

export type { CliTrace, TraceOutputOptions } from './trace-open.js';

export function createCliTraceRecorder(config: SimulationConfig, seed: number, options: TraceOutputOptions): CliTrace {
  return buildCliTrace(config, seed, options, { createTraceRecorder, JsonlFileSink, OtlpHttpSink });
}
