// A SpanProcessor that releases ended spans in the order they end in virtual time, ties in creation
// order. Spans end in nondecreasing time (the simulation calls in virtual-time order), but several
// can end at the same instant in any call order (an llm_core and its llm_request, a step window and
// a request): those are held until time moves on, then released sorted by creation sequence.
import type { Context, HrTime } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { compareHrTime } from './virtual-clock.js';

interface Ended {
  readonly span: ReadableSpan;
  readonly sequence: number;
}

/**
 * A span's creation sequence, kept on the span itself. Every span gets it in onStart, so all spans
 * keep one shape. A WeakMap from span to sequence cost about 1.7 us a span, most of it in the
 * garbage collector's ephemeron tables (issue 9); a Map would hold every span until it ends.
 */
const SEQUENCE = Symbol('simtrace.endOrderSequence');

type Sequenced = { [SEQUENCE]?: number };

export class EndOrderProcessor implements SpanProcessor {
  private nextSequence = 0;
  private held: Ended[] = [];

  /** @param release receives each group of spans, already in output order. */
  constructor(private readonly release: (spans: readonly ReadableSpan[]) => void) {}

  onStart(span: Span, _parentContext: Context): void {
    (span as Sequenced)[SEQUENCE] = this.nextSequence++;
  }

  onEnd(span: ReadableSpan): void {
    const sequence = (span as Sequenced)[SEQUENCE] ?? this.nextSequence++;
    const first = this.held[0];
    if (first !== undefined && compareHrTime(first.span.endTime, span.endTime) < 0) this.releaseHeld();
    this.held.push({ span, sequence });
  }

  /** Virtual time has reached `time`: spans that ended strictly earlier can no longer gain a tie. */
  advanceTo(time: HrTime): void {
    const first = this.held[0];
    if (first !== undefined && compareHrTime(first.span.endTime, time) < 0) this.releaseHeld();
  }

  /** Releases everything held (end of run, or before a flush). */
  forceFlush(): Promise<void> {
    this.releaseHeld();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }

  private releaseHeld(): void {
    if (this.held.length === 0) return;
    const group = this.held;
    this.held = [];
    // Usually one instant; a stable sort on (end, sequence) also copes with a caller that ends a span
    // slightly in the past.
    group.sort((a, b) => compareHrTime(a.span.endTime, b.span.endTime) || a.sequence - b.sequence);
    this.release(group.map((ended) => ended.span));
  }
}
