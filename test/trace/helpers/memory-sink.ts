// A SpanSink that keeps what it is given, for tests that inspect spans without any encoding.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SinkReport, SpanSink } from '../../../src/trace/span-sink.js';

export class MemorySink implements SpanSink {
  readonly spans: ReadableSpan[] = [];
  /** Sizes of the groups handed over by write(), to see how the recorder releases spans. */
  readonly writes: number[] = [];

  write(spans: readonly ReadableSpan[]): void {
    this.spans.push(...spans);
    this.writes.push(spans.length);
  }

  close(): Promise<SinkReport> {
    return Promise.resolve({ sink: 'memory', delivered: this.spans.length, undelivered: 0, messages: [], ok: true });
  }
}
