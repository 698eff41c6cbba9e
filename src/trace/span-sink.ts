// Where ended spans go. A sink accepts spans synchronously (the simulation never waits on output)
// and says at close() what became of them, so that nothing is lost silently.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';

export interface SinkReport {
  /** A short name for messages, e.g. `file traces.jsonl` or `otlp http://...`. */
  readonly sink: string;
  readonly delivered: number;
  readonly undelivered: number;
  readonly messages: readonly string[];
  /**
   * False when the sink's primary output is unusable (the trace file could not be written).
   * A network sink that lost spans stays ok: losses are counted in `undelivered`.
   */
  readonly ok: boolean;
}

export interface SpanSink {
  /**
   * Takes spans in the order they ended (ties in creation order). Must not block on I/O for long and
   * must not throw: failures are remembered and reported by close().
   */
  write(spans: readonly ReadableSpan[]): void;
  /** Flushes everything accepted so far and releases resources. Resolves within a bounded time. */
  close(): Promise<SinkReport>;
}

/** OTLP's SpanKind numbering (the API's enum is offset by one: INTERNAL = 0 there, 1 in OTLP). */
export function otlpSpanKind(kind: SpanKind): number {
  return kind + 1;
}

const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

/**
 * OTLP span flags as vLLM's Python exporter writes them: only the "is the parent remote" bits (the
 * Python encoder leaves the W3C trace-flag bits out). llm_core's parent arrives through injected
 * trace headers, so it is remote (0x300); every other span is local (0x100).
 */
export function otlpSpanFlags(span: ReadableSpan): number {
  return span.parentSpanContext?.isRemote === true ? HAS_IS_REMOTE | IS_REMOTE : HAS_IS_REMOTE;
}
