// A TraceRecorder that keeps every record in memory, for tests that check what the simulation
// reports (causality, conservation, event order) without going through OTLP.
import type {
  ApiEventRecord,
  JourneyRecord,
  StepRecord,
  TraceRecorder,
  TraceStats,
  TracedRequest,
} from '../../src/trace/records.js';

export interface RequestLog {
  readonly request: TracedRequest;
  readonly api: ApiEventRecord[];
  readonly journey: JourneyRecord[];
  spanStartNs: number;
  spanEndNs?: number;
  coreStartNs?: number;
  coreEndNs?: number;
  completionTokens?: number;
  errorMessage?: string;
}

export class MemoryRecorder implements TraceRecorder {
  readonly requests = new Map<number, RequestLog>();
  readonly steps: StepRecord[] = [];
  /** Every time handed to the recorder, in call order (never decreases: see the invariants test). */
  readonly times: number[] = [];
  closed?: { timeNs: number; lastStep: number };

  private log(index: number): RequestLog {
    const log = this.requests.get(index);
    if (log === undefined) throw new Error(`record for unknown request ${index}`);
    return log;
  }

  startRequestSpan(request: TracedRequest, timeNs: number): void {
    this.times.push(timeNs);
    this.requests.set(request.index, { request, api: [], journey: [], spanStartNs: timeNs });
  }
  apiEvent(index: number, event: ApiEventRecord): void {
    this.times.push(event.timeNs);
    this.log(index).api.push(event);
  }
  endRequestSpan(index: number, timeNs: number, end: { completionTokens?: number; errorMessage?: string }): void {
    this.times.push(timeNs);
    const log = this.log(index);
    log.spanEndNs = timeNs;
    if (end.completionTokens !== undefined) log.completionTokens = end.completionTokens;
    if (end.errorMessage !== undefined) log.errorMessage = end.errorMessage;
  }
  startCoreSpan(index: number, timeNs: number): void {
    this.times.push(timeNs);
    this.log(index).coreStartNs = timeNs;
  }
  journeyEvent(index: number, event: JourneyRecord): void {
    this.times.push(event.timeNs);
    this.log(index).journey.push(event);
  }
  endCoreSpan(index: number, timeNs: number): void {
    this.times.push(timeNs);
    this.log(index).coreEndNs = timeNs;
  }
  step(record: StepRecord): void {
    this.times.push(record.timeNs);
    this.steps.push(record);
  }
  close(timeNs: number, lastStep: number): Promise<TraceStats> {
    this.closed = { timeNs, lastStep };
    return Promise.resolve({ spans: 0, events: 0, undeliveredSpans: 0, messages: [] });
  }
}
