// The decision of one schedule() call (vLLM's SchedulerOutput), the only contract between the
// scheduler and the rest of the simulation, plus what update_from_output hands to the frontend.
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
  /** Scheduled requests in vLLM's num_scheduled_tokens order: running first, then admissions. */
  readonly scheduledRequests: readonly SimRequest[];
  readonly scheduledTokens: readonly number[];
  /**
   * Per scheduled request: does this step sample a token for it? Yes iff its computed tokens catch
   * up with its known tokens plus the placeholders of outputs still in flight (async); a partial
   * prefill chunk samples nothing.
   */
  readonly producesToken: readonly boolean[];
  /**
   * Per scheduled request: for a steady one (steady-decodes.ts), whose fields this step does not
   * touch, its computed tokens before the step; -1 for the others. Undefined when none is steady.
   */
  readonly steadyContexts: readonly number[] | undefined;
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
 * What update_from_output hands the frontend for one step (vLLM's EngineCoreOutputs): one entry
 * per request that got tokens or finished, as parallel arrays. A step of a large batch would
 * otherwise allocate one object per request per step, millions in a long run. The arrays are
 * sized once for the step's scheduled requests and filled up to `length`, instead of growing by
 * push: growing three arrays per step was a third of a run's allocation, hence of its GC (issue 9).
 */
export class StepOutputs {
  /** Entries [0, length) are the outputs; any slots after them are unused. */
  readonly requests: SimRequest[];
  readonly numNewTokens: number[];
  /** Set for requests that finished in this step, undefined for the others. */
  readonly finishStatus: (FinishStatus | undefined)[];
  private count = 0;

  /** Room for `capacity` outputs, at most one per request scheduled in the step. */
  constructor(readonly capacity: number) {
    this.requests = new Array<SimRequest>(capacity);
    this.numNewTokens = new Array<number>(capacity).fill(0);
    this.finishStatus = new Array<FinishStatus | undefined>(capacity);
  }

  get length(): number {
    return this.count;
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
