// The decision of one schedule() call (vLLM's SchedulerOutput), the only contract between the
// scheduler and the rest of the simulation, plus what update_from_output hands to the frontend.
import { emptyList } from '../engine/empty-list.js';
import type { BatchSummaryRecord, FinishStatus, RequestSnapshotRecord } from '../trace/records.js';
import type { SimRequest } from './request.js';

export interface SchedulerConfig {
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
  readonly maxModelLen: number;
  readonly enableChunkedPrefill: boolean;
  readonly longPrefillTokenThreshold: number;
  readonly policy: 'fcfs' | 'priority';
  readonly blockSize: number;
  readonly numGpuBlocks: number;
  readonly enablePrefixCaching: boolean;
  /**
   * vLLM's async scheduling (AsyncScheduler and the engine's batch queue of 2): the next batch is
   * scheduled while the previous one runs. Off (sync) when absent.
   */
  readonly asyncScheduling?: boolean;
}

/** The step-tracing samplers (spec C.5): the second draw happens only when the first passed. */
export interface StepSampler {
  sampleSummary(step: number): boolean;
  sampleRich(step: number): boolean;
}

/** The batch shape the forward-pass time models read (not vLLM's summary classification). */
export interface BatchShape {
  readonly numRequests: number;
  /** Tokens of requests still working through known tokens (prefill or recompute). */
  readonly prefillTokens: number;
  /** Requests generating one new token from their full context. */
  readonly decodeRequests: number;
  /** Sum of the context (already computed tokens) of those decode requests. */
  readonly decodeContextTokens: number;
  /** Sum over prefill chunks of (context before the chunk) x (chunk tokens): attention cost. */
  readonly prefillAttentionTokens: number;
}

export type BatchCounts = Omit<BatchSummaryRecord, 'tsStartNs' | 'tsEndNs' | 'durationUs'>;

export interface SchedulerOutput {
  readonly step: number;
  /**
   * Scheduled requests in vLLM's num_scheduled_tokens order, running first, then admissions;
   * without the steady ones (`steady`).
   */
  readonly scheduledRequests: readonly SimRequest[];
  readonly scheduledTokens: readonly number[];
  /**
   * Per scheduled request: does this step sample a token for it? Yes iff its computed tokens catch
   * up with its known tokens plus the placeholders of outputs still in flight (async); a partial
   * prefill chunk samples nothing.
   */
  readonly producesToken: readonly boolean[];
  /** The steady requests of the step (steady-decodes.ts): counted, not listed above. */
  readonly steady: SteadyEntries;
  readonly totalScheduledTokens: number;
  readonly numNewRequests: number;
  readonly numResumedRequests: number;
  readonly preemptedRequests: readonly SimRequest[];
  /** Requests finished since the previous schedule() (batch.num_finished). */
  readonly numFinishedSincePrevious: number;
  readonly numRunning: number;
  readonly numWaiting: number;
  readonly batch: BatchCounts;
  readonly shape: BatchShape;
  /** Present iff step tracing sampled this step. */
  readonly sampledSummary: boolean;
  /** The step's REQUEST_SNAPSHOTs when the rich subsample picked it; undefined otherwise. */
  readonly snapshots: readonly RequestSnapshotRecord[] | undefined;
}

/**
 * A step's steady requests (steady-decodes.ts): each scheduled for one decode token after a context
 * the running pass knows, producing one output that stops nothing. Nothing downstream needs them
 * one by one, so they are only counted: the batch counts and shape take the totals, the frontend
 * the number of outputs (each one's inter-token gap is the time since the previous step's
 * delivery), and each request's outputs are reported once per stretch
 * (SteadyDecodeHooks.steadyOutputs).
 */
export class SteadyEntries {
  /** The step they are of (set when schedule() has built it: SteadyDecodes.built). */
  step = 0;
  count = 0;
  /** Sum of their computed tokens before the step: their decode contexts. */
  contextSum = 0;
  /** How many of them have clients that stream their outputs. */
  streamed = 0;
  /**
   * Requests of this batch that stopped being steady while it was in flight (async scheduling):
   * they were brought up to date without this step's token, which update_from_output appends.
   */
  leftInFlight: SimRequest[] | undefined = undefined;
  /** Of those, the ones finished (aborted) before the update: they get no token, no output. */
  dropped = 0;

  add(count: number, contextSum: number, streamed: number): void {
    if (count < 0 || streamed < 0 || streamed > count) throw new Error(`internal: ${count} steady entries, ${streamed} streamed`);
    this.count += count;
    this.contextSum += contextSum;
    this.streamed += streamed;
  }

  /** `request`, steady in this batch, stopped being steady before the batch's update. */
  leave(request: SimRequest): void {
    (this.leftInFlight ??= []).push(request);
  }
}

/**
 * What update_from_output hands the frontend for one step (vLLM's EngineCoreOutputs): one entry
 * per listed request that got tokens or finished, as parallel arrays, and the steady outputs
 * counted (SteadyEntries). A step of a large batch would otherwise allocate one object per
 * request per step, millions in a long run. The arrays are sized once for the step's listed
 * requests and filled up to `length`, instead of growing by push: growing three arrays per step
 * was a third of a run's allocation, hence of its GC (issue 9).
 */
export class StepOutputs {
  /** Entries [0, length) are the outputs; any slots after them are holes, never read. */
  readonly requests: SimRequest[];
  readonly numNewTokens: number[];
  /** Set for requests that finished in this step, undefined for the others. */
  readonly finishStatus: (FinishStatus | undefined)[];
  private count = 0;

  /**
   * Room for `capacity` listed outputs, at most one per listed request of step `step`, whose
   * steady outputs were `steady.count`, `steady.streamed` of them streamed.
   */
  constructor(
    readonly capacity: number,
    readonly step: number,
    readonly steady: SteadyEntries,
  ) {
    // A step that lists nothing (its steady outputs are counted) shares the frozen empty list.
    // The slots are left as holes until pushed: only [0, length) is read, and filling them
    // (Array.prototype.fill, a call into the runtime) took ~0.6 % of the 50k anchor run (issue 9).
    this.requests = capacity === 0 ? emptyList() : new Array<SimRequest>(capacity);
    this.numNewTokens = capacity === 0 ? emptyList() : new Array<number>(capacity);
    this.finishStatus = capacity === 0 ? emptyList() : new Array<FinishStatus | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Nothing for the frontend: no listed output and no steady one. */
  get isEmpty(): boolean {
    return this.count === 0 && this.steady.count === this.steady.dropped;
  }

  push(request: SimRequest, numNewTokens: number, finishStatus: FinishStatus | undefined): void {
    const at = this.count;
    if (at === this.capacity) throw new Error(`internal: more than ${this.capacity} outputs in one step`);
    this.requests[at] = request;
    this.numNewTokens[at] = numNewTokens;
    this.finishStatus[at] = finishStatus;
    this.count = at + 1;
  }
}

export const FINISH_STATUS: Readonly<Record<string, FinishStatus>> = {
  FINISHED_STOPPED: 'stopped',
  FINISHED_LENGTH_CAPPED: 'length',
  FINISHED_ABORTED: 'aborted',
  FINISHED_ERROR: 'error',
};
