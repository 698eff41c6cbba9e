// Public surface of the trace layer: the recorder the simulation drives and the sinks the CLI wires.
export type {
  ApiEventRecord,
  BatchSummaryRecord,
  JourneyRecord,
  RequestSnapshotRecord,
  StepRecord,
  TraceRecorder,
  TraceStats,
  TracedRequest,
} from './records.js';
export { createTraceRecorder, TraceOutputError, type TraceRecorderOptions } from './otlp-recorder.js';
export type { SinkReport, SpanSink } from './span-sink.js';
export { JsonlFileSink, type JsonlFileSinkOptions } from './jsonl-file-sink.js';
export { OtlpHttpSink, type OtlpHttpSinkOptions } from './otlp-http-sink.js';
export { resolveOtlpEndpoint, type OtlpEndpointChoice } from './otlp-endpoint.js';
export { DEFAULT_EPOCH_NS } from './virtual-clock.js';
export { DOUBLE_ATTRIBUTE_KEYS } from './vocabulary.js';
export type { OtlpJsonOptions } from './otlp-json.js';
