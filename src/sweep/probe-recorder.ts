// A TraceRecorder that writes no spans: it listens to the simulation's records to measure what the
// run summary does not keep, without touching the simulator.
//  - Goodput as `vllm bench serve` defines it: each completed request's own TTFT, TPOT and E2EL
//    against per-request bounds. The summary only keeps their distributions, so the verdict is
//    taken here, request by request, as they depart (memory stays flat).
//  - A time series of KV usage, running and waiting depth and preemptions, from every step's
//    BATCH_SUMMARY (the runner forces step sampling to 1 for the run that wants it).
// Latencies are measured where the frontend measures them: a streaming client gets its first token
// one output delay after the engine's FIRST_TOKEN; a non-streaming one gets everything at departure.
import type { ApiEventRecord, JourneyRecord, StepRecord, TraceRecorder, TraceStats, TracedRequest } from '../trace/records.js';
import { NS_PER_MS, NS_PER_S } from '../engine/time.js';
import type { GoodputSlo } from './slo.js';

/** The per-step series, downsampled to at most `maxPoints` time buckets (columns of equal length). */
export interface StepSeries {
  /** Bucket start, seconds of virtual time. */
  readonly t_s: number[];
  /** Highest KV cache usage ratio within the bucket. */
  readonly kv_usage: number[];
  /** Highest running and waiting queue depth within the bucket. */
  readonly running: number[];
  readonly waiting: number[];
  /** Preemptions within the bucket. */
  readonly preemptions: number[];
}

interface LiveRequest {
  readonly arrivalNs: number;
  readonly stream: boolean;
  firstTokenNs: number;
}

export interface ProbeRecorderOptions {
  /** Per-request bounds (ms); no goodput is measured without them. */
  readonly goodput?: GoodputSlo;
  /** Collect the step series (downsampled to this many buckets). */
  readonly seriesPoints?: number;
  /** The frontend's output delay, ns (frontend.output_delay). */
  readonly outputDelayNs: number;
}

const NO_STATS: TraceStats = { spans: 0, events: 0, undeliveredSpans: 0, messages: [] };

export class ProbeRecorder implements TraceRecorder {
  /** Completed requests seen, and those meeting every per-request bound. */
  completed = 0;
  good = 0;
  /** Sums of per-request client TTFT and E2EL (ns): they must agree with the summary's means. */
  ttftSumNs = 0;
  e2elSumNs = 0;
  series: StepSeries | undefined;

  private readonly live = new Map<number, LiveRequest>();
  private readonly bounds: { ttft: number; tpot: number; e2el: number };
  private readonly steps: { t: number[]; kv: number[]; running: number[]; waiting: number[]; preempted: number[] } = {
    t: [],
    kv: [],
    running: [],
    waiting: [],
    preempted: [],
  };

  constructor(private readonly options: ProbeRecorderOptions) {
    const ns = (ms: number | undefined) => (ms === undefined ? Infinity : ms * NS_PER_MS);
    this.bounds = { ttft: ns(options.goodput?.ttft), tpot: ns(options.goodput?.tpot), e2el: ns(options.goodput?.e2el) };
  }

  startRequestSpan(request: TracedRequest, timeNs: number): void {
    this.live.set(request.index, { arrivalNs: timeNs, stream: request.stream, firstTokenNs: -1 });
  }

  apiEvent(_index: number, _event: ApiEventRecord): void {}

  journeyEvent(index: number, event: JourneyRecord): void {
    const request = this.live.get(index);
    if (request !== undefined && event.type === 'FIRST_TOKEN') request.firstTokenNs = event.timeNs;
  }

  endRequestSpan(index: number, timeNs: number, end: { readonly completionTokens?: number; readonly errorMessage?: string }): void {
    const request = this.live.get(index);
    this.live.delete(index);
    if (request === undefined || end.completionTokens === undefined) return;
    const ttft = request.stream ? request.firstTokenNs + this.options.outputDelayNs - request.arrivalNs : timeNs - request.arrivalNs;
    const e2el = timeNs - request.arrivalNs;
    // vLLM: TPOT excludes the first token, and counts as 0 for a one-token answer.
    const tpot = end.completionTokens > 1 ? (e2el - ttft) / (end.completionTokens - 1) : 0;
    this.completed++;
    this.ttftSumNs += ttft;
    this.e2elSumNs += e2el;
    if (ttft <= this.bounds.ttft && tpot <= this.bounds.tpot && e2el <= this.bounds.e2el) this.good++;
  }

  startCoreSpan(): void {}
  endCoreSpan(): void {}

  step(record: StepRecord): void {
    const s = record.summary;
    if (s === undefined || this.options.seriesPoints === undefined) return;
    this.steps.t.push(record.timeNs);
    this.steps.kv.push(s.kvUsageRatio);
    this.steps.running.push(s.runningDepth);
    this.steps.waiting.push(s.waitingDepth);
    this.steps.preempted.push(s.numPreempted);
  }

  close(timeNs: number): Promise<TraceStats> {
    if (this.options.seriesPoints !== undefined) this.series = this.downsample(timeNs, this.options.seriesPoints);
    return Promise.resolve(NO_STATS);
  }

  /** Completed requests meeting every bound, per second of the run (vLLM's request_goodput). */
  goodput(durationS: number): number {
    return durationS > 0 ? this.good / durationS : 0;
  }

  /** Buckets of equal virtual time; buckets without a step (the engine idle) are left out. */
  private downsample(endNs: number, maxPoints: number): StepSeries {
    const out: StepSeries = { t_s: [], kv_usage: [], running: [], waiting: [], preemptions: [] };
    const width = Math.max(1, Math.ceil(endNs / maxPoints));
    const { t, kv, running, waiting, preempted } = this.steps;
    let i = 0;
    while (i < t.length) {
      const bucket = Math.floor(t[i]! / width);
      let [k, r, w, p] = [0, 0, 0, 0];
      for (; i < t.length && Math.floor(t[i]! / width) === bucket; i++) {
        k = Math.max(k, kv[i]!);
        r = Math.max(r, running[i]!);
        w = Math.max(w, waiting[i]!);
        p += preempted[i]!;
      }
      out.t_s.push((bucket * width) / NS_PER_S);
      out.kv_usage.push(k);
      out.running.push(r);
      out.waiting.push(w);
      out.preemptions.push(p);
    }
    return out;
  }
}
