// `--otlp-endpoint`: spans to a collector over OTLP/HTTP protobuf. The simulation hands spans over
// synchronously; they are encoded at once (the SDK span objects can then be freed) and queued, and a
// single background loop sends them in batches, one request at a time, each awaited: concurrent
// unawaited exports are what made the SDK drop spans. A collector that is down, slow or refusing must
// not hang the run: every export has a deadline, the loop gives up after a few consecutive failures,
// and close() waits a bounded time. Every span not delivered is counted, never dropped silently.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SinkReport, SpanSink } from './span-sink.js';
import {
  SPAN_FRAMING_BYTES,
  encodeExportRequest,
  encodeResource,
  encodeScope,
  encodeSpan,
  type EncodedScopeRun,
} from './otlp-protobuf.js';
import { OtlpHttpExport, type EncodedExportRequest } from './otlp-http-export.js';

export interface OtlpHttpSinkOptions {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Deadline of one export, SDK retries included (ms). */
  readonly exportTimeoutMillis?: number;
  /** Bound on how long close() waits for the queue to drain (ms). */
  readonly closeTimeoutMillis?: number;
  readonly maxBatchSpans?: number;
  /** Target request size; a request holds at least one span. */
  readonly maxBatchBytes?: number;
  /** A single span above this is not sent (collectors reject requests over ~20 MiB by default). */
  readonly maxSpanBytes?: number;
  /** Encoded bytes allowed to wait in the queue; beyond it new spans are counted undelivered. */
  readonly maxQueueBytes?: number;
  /** After this many failed exports in a row the collector is treated as gone. */
  readonly maxConsecutiveFailures?: number;
}

interface QueuedSpan {
  readonly scope: ReadableSpan['instrumentationScope'];
  readonly bytes: Uint8Array;
}

const MiB = 1 << 20;

export class OtlpHttpSink implements SpanSink {
  private readonly url: string;
  private readonly transport: OtlpHttpExport;
  private readonly exportTimeoutMillis: number;
  private readonly closeTimeoutMillis: number;
  private readonly maxBatchSpans: number;
  private readonly maxBatchBytes: number;
  private readonly maxSpanBytes: number;
  private readonly maxQueueBytes: number;
  private readonly maxConsecutiveFailures: number;
  private readonly scopeBytes = new Map<ReadableSpan['instrumentationScope'], Uint8Array>();
  private resourceBytes: Uint8Array | undefined;
  private queue: QueuedSpan[] = [];
  private head = 0;
  private queuedBytes = 0;
  private draining: Promise<void> | undefined;
  /** Spans of the request being sent, so that abandoning it still counts them. */
  private inFlight = 0;
  private consecutiveFailures = 0;
  private stopped = false;
  private delivered = 0;
  private undelivered = 0;
  private readonly problems = new Map<string, number>();

  constructor(options: OtlpHttpSinkOptions) {
    this.url = options.url;
    this.exportTimeoutMillis = options.exportTimeoutMillis ?? 5_000;
    this.closeTimeoutMillis = options.closeTimeoutMillis ?? 30_000;
    this.maxBatchSpans = options.maxBatchSpans ?? 512;
    this.maxBatchBytes = options.maxBatchBytes ?? 4 * MiB;
    this.maxSpanBytes = options.maxSpanBytes ?? 16 * MiB;
    this.maxQueueBytes = options.maxQueueBytes ?? 256 * MiB;
    this.maxConsecutiveFailures = options.maxConsecutiveFailures ?? 2;
    this.transport = new OtlpHttpExport({
      url: options.url,
      headers: options.headers,
      timeoutMillis: this.exportTimeoutMillis,
    });
  }

  write(spans: readonly ReadableSpan[]): void {
    for (const span of spans) {
      if (this.stopped) {
        this.lose(1, 'span written after exporting stopped');
        continue;
      }
      this.resourceBytes ??= encodeResource(span);
      const bytes = encodeSpan(span);
      if (bytes.length > this.maxSpanBytes) {
        this.lose(1, `span ${span.name} too large to export (${bytes.length} bytes encoded, ${span.events.length} events)`);
      } else if (this.queuedBytes + bytes.length > this.maxQueueBytes) {
        this.lose(1, `export queue full (${this.maxQueueBytes} bytes waiting for the collector)`);
      } else {
        this.queue.push({ scope: span.instrumentationScope, bytes });
        this.queuedBytes += bytes.length;
      }
    }
    this.kick();
  }

  async close(): Promise<SinkReport> {
    this.kick();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.closeTimeoutMillis);
    });
    const outcome = await Promise.race([this.draining ?? Promise.resolve(), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.stop(`collector did not take all spans within ${this.closeTimeoutMillis} ms`);
    // A send still in flight after a timeout is abandoned; its sockets close when its deadline passes.
    await this.transport.shutdown(outcome === 'timeout' ? 0 : 1_000);
    const messages = [...this.problems].map(([problem, count]) => (count > 1 ? `${problem} (x${count})` : problem));
    return { sink: `otlp ${this.url}`, delivered: this.delivered, undelivered: this.undelivered, messages, ok: true };
  }

  private kick(): void {
    if (this.draining !== undefined || this.stopped || this.head >= this.queue.length) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.head < this.queue.length) {
      const batch = this.takeBatch();
      this.inFlight = batch.spanCount;
      const outcome = await this.transport.send(batch, this.exportTimeoutMillis);
      this.inFlight = 0;
      if (this.stopped) return; // close() gave up meanwhile and counted this batch as undelivered
      if (outcome.ok) {
        this.consecutiveFailures = 0;
        this.delivered += batch.spanCount - outcome.rejectedSpans;
        if (outcome.rejectedSpans > 0) this.lose(outcome.rejectedSpans, 'collector rejected spans (partial success)');
      } else {
        this.consecutiveFailures++;
        this.lose(batch.spanCount, `export to ${this.url} failed: ${outcome.error ?? 'unknown error'}`);
        if (this.consecutiveFailures >= this.maxConsecutiveFailures) {
          this.stop(`stopped exporting after ${this.consecutiveFailures} consecutive failed exports`);
        }
      }
    }
  }

  /** Removes the next batch from the queue, keeping end order, one ScopeSpans per run of a scope. */
  private takeBatch(): EncodedExportRequest {
    const runs: EncodedScopeRun[] = [];
    let currentScope: QueuedSpan['scope'] | undefined;
    let current: Uint8Array[] = [];
    // An upper bound of the request size, framing included, so requests stay within maxBatchBytes.
    let bytes = SPAN_FRAMING_BYTES * 2 + (this.resourceBytes?.length ?? 0);
    let count = 0;
    while (this.head < this.queue.length && count < this.maxBatchSpans) {
      const next = this.queue[this.head] as QueuedSpan;
      const newRun = count === 0 || next.scope !== currentScope;
      const scope = newRun ? this.scopeOf(next.scope) : undefined;
      const added = next.bytes.length + SPAN_FRAMING_BYTES + (scope ? scope.length + SPAN_FRAMING_BYTES * 2 : 0);
      if (count > 0 && bytes + added > this.maxBatchBytes) break;
      if (scope !== undefined) {
        current = [];
        runs.push({ scope, spans: current });
        currentScope = next.scope;
      }
      current.push(next.bytes);
      bytes += added;
      count++;
      this.head++;
      this.queuedBytes -= next.bytes.length;
    }
    this.compact();
    return { bytes: encodeExportRequest(this.resourceBytes ?? new Uint8Array(), runs), spanCount: count };
  }

  private scopeOf(scope: QueuedSpan['scope']): Uint8Array {
    let bytes = this.scopeBytes.get(scope);
    if (bytes === undefined) {
      bytes = encodeScope(scope);
      this.scopeBytes.set(scope, bytes);
    }
    return bytes;
  }

  /** Drops the consumed prefix of the queue now and then, so the array does not grow forever. */
  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /** Gives up on the collector: everything queued, and everything written later, is undelivered. */
  private stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    const remaining = this.queue.length - this.head + this.inFlight;
    this.lose(remaining, `${reason}; ${remaining} queued or in-flight span(s) counted undelivered`);
    this.inFlight = 0;
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
  }

  private lose(count: number, problem: string): void {
    this.undelivered += count;
    this.problems.set(problem, (this.problems.get(problem) ?? 0) + 1);
  }
}
