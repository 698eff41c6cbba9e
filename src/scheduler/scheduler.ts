// The vLLM v1 scheduler (vllm/v1/core/sched/scheduler.py @ 7e22309) with the tracing fork's
// hooks; AsyncScheduler (async-scheduler.ts) overrides two of its steps. It decides and mutates
// only its own state and the KV cache manager: it never reads a clock, schedules events or writes
// trace output. Callers pass `nowNs` only so that the journey records it hands its listener carry
// the moment they describe.
import { emptyList } from '../engine/empty-list.js';
import { IndexMap } from '../engine/index-map.js';
import { KvCacheManager } from '../kv/kv-cache-manager.js';
import type { JourneyRecord } from '../trace/records.js';
import { journeyRecord } from './journey.js';
import { isFinished, type RequestStatus, type SimRequest } from './request.js';
import { removeAt, renewStorage } from './remove-at.js';
import { FcfsQueue, PriorityQueue, type RequestQueue } from './request-queue.js';
import { scheduleRunning, type RunningPassHost } from './running-pass.js';
import { ScheduledList, type ScheduledEntries } from './scheduled-list.js';
import { addDecodesToShape, addToShape, emptyBatchShape, requestSnapshots } from './step-records.js';
import {
  FINISH_STATUS,
  type BatchShape,
  type SchedulerConfig,
  type SchedulerOutput,
  type StepSampler,
  StepOutputs,
} from './scheduler-output.js';
import { SteadyDecodes, type SteadyDecodeHooks } from './steady-decodes.js';
import { checkStop } from './stop.js';

/**
 * Front removals from the running list between two renewals of its storage (renewStorage): often
 * enough that it is young most of the time (a minor collection comes every few thousand steps),
 * rarely enough that copying it costs nothing.
 */
const RENEW_RUNNING_EVERY = 256;

export interface SchedulerListener {
  /** A journey event of a traced request. */
  journey(request: SimRequest, record: JourneyRecord): void;
  /** The engine freed a request (its `llm_core` span ends). */
  freed(request: SimRequest, timeNs: number): void;
}

const SILENT: SchedulerListener = { journey: () => {}, freed: () => {} };

/** Tokens the model samples for a request in one step (one, or several as in vLLM's tests). */
export type TokenSource = (request: SimRequest) => number | readonly number[];

export class Scheduler {
  readonly kv: KvCacheManager;
  readonly running: SimRequest[] = [];
  readonly waiting: RequestQueue;
  /** Unfinished requests known to the engine, by index (an IndexMap: see there why not a Map). */
  readonly requests = new IndexMap<SimRequest>();
  /**
   * Requests finished since the previous schedule(): vLLM's finished_req_ids, kept as the requests
   * so that their ids are built only if read (finishedReqIds).
   */
  private readonly finishedRequests: SimRequest[] = [];
  stepCounter = 0;
  private runningPass: RunningPassHost;
  /**
   * Async scheduling: a scheduled batch's sampled tokens are still in flight when the next batch
   * is scheduled, so each is carried as a placeholder (AsyncScheduler sets this).
   */
  protected readonly outputsInFlight: boolean = false;
  /** The steady-decode fast path (steady-decodes.ts), when it is on. */
  private steady: SteadyDecodes | undefined;
  /** Removals from the front of `running` since its storage was renewed (RENEW_RUNNING_EVERY). */
  private runningFrontRemovals = 0;

  constructor(
    readonly config: SchedulerConfig,
    private readonly listener: SchedulerListener = SILENT,
    private readonly stepSampler: StepSampler | null = null,
  ) {
    this.kv = new KvCacheManager({
      numGpuBlocks: config.numGpuBlocks,
      blockSize: config.blockSize,
      maxModelLen: config.maxModelLen,
      enablePrefixCaching: config.enablePrefixCaching,
    });
    this.waiting = config.policy === 'priority' ? new PriorityQueue() : new FcfsQueue();
    this.runningPass = this.runningPassHost();
  }

  /** What the running pass may touch (running-pass.ts), with the steady marks if they are on. */
  private runningPassHost(): RunningPassHost {
    return {
      config: this.config,
      kv: this.kv,
      running: this.running,
      steadyDecodes: this.steady,
      preempt: (request, step, nowNs) => this.preempt(request, step, nowNs),
      removeRunningAt: (position) => this.removeRunningAt(position),
    };
  }

  /**
   * Turn on the steady-decode fast path (steady-decodes.ts), before the first step. The token source
   * update_from_output will be given must sample EOS at output count `hooks.plannedEosCount` (-1:
   * never before the length cap) and otherwise continue each request's output run
   * (SimRequestInit's outputKey): the simulated model's tokens. Whoever receives the outputs must
   * take the steady ones as counted (SteadyEntries) and reported by `hooks.steadyOutputs`.
   */
  enableSteadyDecodes(hooks: SteadyDecodeHooks): void {
    if (this.stepCounter !== 0) throw new Error('internal: steady decodes are turned on before the first step');
    this.steady = new SteadyDecodes(hooks, this.kv, this.config.maxModelLen, this.outputsInFlight, this.running, this.config.maxNumSeqs);
    this.runningPass = this.runningPassHost();
  }

  hasUnfinishedRequests(): boolean {
    return this.running.length + this.waiting.length > 0;
  }

  /** vLLM's has_requests(): unfinished requests, or finishes not yet reported by a schedule(). */
  hasRequests(): boolean {
    // One test of the sum, not two joined by ||: the second would run only when nothing is left
    // unfinished, rarely enough to undo the engine loop's optimized code when it first does (issue 9).
    return this.running.length + this.waiting.length + this.finishedRequests.length > 0;
  }

  /** vLLM's finished_req_ids: the ids of the requests finished since the previous schedule(). */
  get finishedReqIds(): string[] {
    return this.finishedRequests.map((request) => request.requestId);
  }

  addRequest(request: SimRequest, nowNs: number): void {
    this.waiting.add(request);
    this.requests.set(request.index, request);
    this.emit(request, 'QUEUED', this.stepCounter, nowNs);
  }

  /** External finishes (client aborts): vLLM's finish_requests. Unknown/finished ids are ignored. */
  finishRequests(requests: readonly SimRequest[], status: RequestStatus, nowNs: number): void {
    const toFree: SimRequest[] = [];
    for (const request of requests) {
      if (!this.requests.has(request.index) || isFinished(request.status)) continue;
      if (request.status === 'RUNNING') this.removeRunningAt(this.running.indexOf(request));
      else this.waiting.remove(request);
      toFree.push(request);
    }
    for (const request of toFree) {
      request.status = status;
      this.emit(request, 'FINISHED', this.stepCounter, nowNs, { finishStatus: FINISH_STATUS[status] });
      this.freeRequest(request, nowNs);
    }
  }

  schedule(nowNs: number): SchedulerOutput {
    const step = ++this.stepCounter;
    // Step sampling is decided first: a step whose REQUEST_SNAPSHOTs are sampled describes every
    // running request, so none may be steady in it (the draws are the same, only earlier).
    const sampledSummary = this.stepSampler !== null && this.stepSampler.sampleSummary(step);
    const rich = sampledSummary && this.stepSampler!.sampleRich(step);
    if (rich && this.steady !== undefined) {
      this.steady.leave(this.running, 0, this.running.length);
      this.steady.describeEveryRequestIn(step);
    }
    // At most every running request plus as many admissions as max_num_seqs leaves room for.
    const room = Math.max(0, Math.min(this.waiting.length, this.config.maxNumSeqs - this.running.length));
    const scheduled = new ScheduledList(this.running.length + room);
    const preempted: SimRequest[] = [];
    let budget = scheduleRunning(this.runningPass, step, nowNs, scheduled, preempted);
    let numNew = 0;
    let numResumed = 0;
    if (preempted.length === 0) {
      const admitted = this.scheduleWaiting(step, nowNs, budget, scheduled);
      budget = admitted.budget;
      numNew = admitted.numNew;
      numResumed = admitted.numResumed;
    }
    const total = this.config.maxNumBatchedTokens - budget;
    if (budget < 0 || this.running.length > this.config.maxNumSeqs) {
      throw new Error(`internal: step ${step} broke the token budget or max_num_seqs`);
    }
    const output = this.buildOutput(step, scheduled, preempted, total, numNew, numResumed, sampledSummary, rich);
    this.steady?.built(step, scheduled.steady);
    return output;
  }

  /**
   * vLLM's _preempt_request. Under async scheduling the victim usually has a token in flight; its
   * placeholder stays, as in vLLM: that batch did run, so update_from_output appends the token to
   * the waiting request (and may finish it there) before it can be admitted again.
   */
  private preempt(request: SimRequest, step: number, nowNs: number): void {
    if (request.steadyFrom >= 0) throw new Error(`internal: ${request.requestId} preempted while steady`);
    request.hashPrivateBlocks();
    this.kv.freePreempted(request);
    request.status = 'PREEMPTED';
    request.numComputedTokens = 0;
    request.numPreemptions++;
    this.emit(request, 'PREEMPTED', step, nowNs);
    this.waiting.prepend(request);
  }

  /** Phase 2: WAITING requests, head-of-line, only in steps without preemption (spec A.4). */
  private scheduleWaiting(
    step: number,
    nowNs: number,
    budget: number,
    scheduled: ScheduledList,
  ): { budget: number; numNew: number; numResumed: number } {
    const { maxNumSeqs, longPrefillTokenThreshold: threshold, enableChunkedPrefill } = this.config;
    let numNew = 0;
    let numResumed = 0;
    while (this.waiting.length > 0 && budget > 0) {
      if (this.running.length === maxNumSeqs) break;
      const request = this.waiting.peek()!;
      let hitBlocks: readonly number[] = [];
      let numHitTokens = 0;
      let computed = request.numComputedTokens;
      if (computed === 0) {
        ({ blocks: hitBlocks, numHitTokens } = this.kv.getComputedBlocks(request));
        computed = numHitTokens;
      }
      let n = request.numTokens - computed;
      if (threshold > 0 && threshold < n) n = threshold;
      if (!enableChunkedPrefill && n > budget) break;
      n = Math.min(n, budget);
      if (!this.kv.tryAllocateSlots(request, n, numHitTokens, hitBlocks)) break;
      this.waiting.pop();
      this.running.push(request);
      this.steady?.marks.push(request.index);
      const previous = request.status;
      if (previous === 'PREEMPTED') numResumed++;
      else numNew++;
      scheduled.push(request, n);
      budget -= n;
      request.status = 'RUNNING';
      request.numComputedTokens = computed;
      if (request.numCachedTokens < 0) request.numCachedTokens = computed;
      this.emit(request, 'SCHEDULED', step, nowNs, { scheduleKind: previous === 'PREEMPTED' ? 'RESUME' : 'FIRST' });
    }
    return { budget, numNew, numResumed };
  }

  /**
   * The SchedulerOutput of this step, and vLLM's _update_after_schedule in the same pass over the
   * scheduled requests: advance their computed tokens (the fork's prefill high-water mark too) and,
   * under async scheduling, give each request that samples a token a placeholder for it.
   */
  private buildOutput(
    step: number,
    entries: ScheduledEntries,
    preempted: SimRequest[],
    total: number,
    numNewRequests: number,
    numResumedRequests: number,
    sampledSummary: boolean,
    rich: boolean,
  ): SchedulerOutput {
    const { requests: scheduledRequests, tokens: scheduledTokens, steady } = entries;
    if (rich && steady.count > 0) throw new Error(`internal: step ${step} is sampled with steady requests in it`);
    // Snapshots describe the running requests before this step's advance (spec C.5).
    const snapshots = rich ? requestSnapshots(step, this.running, scheduledRequests, scheduledTokens, this.kv) : undefined;
    const outputsInFlight = this.outputsInFlight;
    let numPrefillReqs = 0;
    let numDecodeReqs = 0;
    let prefillTokens = 0;
    let decodeTokens = 0;
    const producesToken = scheduledRequests.length === 0 ? emptyList<boolean>() : new Array<boolean>(scheduledRequests.length);
    const shape = emptyBatchShape();
    for (let k = 0; k < scheduledRequests.length; k++) {
      const request = scheduledRequests[k]!;
      const n = scheduledTokens[k]!;
      const computedBefore = request.numComputedTokens;
      const hasOutputs = request.numOutputTokens > 0;
      // vLLM's summary classifies by outputs: a recomputing resumed request counts as decode.
      if (hasOutputs) {
        numDecodeReqs++;
        decodeTokens += n;
      } else {
        numPrefillReqs++;
        prefillTokens += n;
      }
      // Known tokens plus outputs in flight (async): the positions this request must compute.
      // The step samples a token for it iff this chunk reaches them all; under async scheduling
      // vLLM tests "num_computed_tokens == num_tokens + num_output_placeholders" after the advance
      // (later versions: "not is_prefill_chunk"), which is the same thing.
      const target = request.numTokens + request.numOutputPlaceholders;
      const samples = computedBefore + n >= target;
      producesToken[k] = samples;
      addToShape(shape, computedBefore, n, target);
      request.numComputedTokens = computedBefore + n;
      if (!hasOutputs) {
        request.prefillHiwater = Math.max(request.prefillHiwater, Math.min(computedBefore + n, request.numPromptTokens));
      }
      if (samples) {
        request.lastSampledStep = step;
        if (outputsInFlight) request.numOutputPlaceholders++;
      }
    }
    // The steady requests: one decode token each, after the contexts the running pass noted;
    // their own fields are left behind (steady-decodes.ts).
    numDecodeReqs += steady.count;
    decodeTokens += steady.count;
    addDecodesToShape(shape, steady.count, steady.contextSum);
    const numFinished = this.finishedRequests.length;
    // (Emptied by pops, which optimized code does inline: setting an array's length is a builtin
    // call, 1.5 % of the 50k run when it ran every step. Most steps finish nothing, some one.)
    while (this.finishedRequests.length > 0) this.finishedRequests.pop();
    const batch = {
      step,
      runningDepth: this.running.length,
      waitingDepth: this.waiting.length,
      numPrefillReqs,
      numDecodeReqs,
      prefillTokens,
      decodeTokens,
      scheduledTokens: total,
      numFinished,
      numPreempted: preempted.length,
      kvUsageRatio: this.kv.usage(),
      kvBlocksTotal: this.kv.numUsableBlocks,
      kvBlocksFree: this.kv.numFreeBlocks,
    };
    return {
      step,
      scheduledRequests,
      scheduledTokens,
      producesToken,
      steady,
      totalScheduledTokens: total,
      numNewRequests,
      numResumedRequests,
      preemptedRequests: preempted,
      numFinishedSincePrevious: numFinished,
      numRunning: this.running.length,
      numWaiting: this.waiting.length,
      batch,
      shape,
      sampledSummary,
      // Always present (undefined when not sampled): one object shape for every step.
      snapshots,
    };
  }

  /**
   * vLLM's update_from_output: append sampled tokens, check stop rules, emit FIRST_TOKEN and
   * FINISHED, free finished requests. Returns what the frontend receives. A request preempted
   * after this batch was scheduled (async) still gets its token: the batch did run for it.
   */
  updateFromOutput(output: SchedulerOutput, tokens: TokenSource, nowNs: number): StepOutputs {
    const { scheduledRequests, producesToken, steady } = output;
    this.steady?.updated(output.step);
    const maxModelLen = this.config.maxModelLen;
    // Steady requests got their one token each and go on; their fields catch up later. Those
    // that stopped being steady while this batch was in flight get theirs now.
    if (steady.leftInFlight !== undefined) {
      for (const request of steady.leftInFlight) {
        if (isFinished(request.status)) steady.dropped++;
        else this.appendSteadyToken(request, tokens);
      }
    }
    const outputs = new StepOutputs(scheduledRequests.length, output.step, steady);
    let stoppedRunning: SimRequest[] | undefined;
    for (let k = 0; k < scheduledRequests.length; k++) {
      const request = scheduledRequests[k]!;
      // A request leaves `requests` exactly when it finishes, so the status alone says whether it
      // is still known (no Map probe per request per step).
      if (!producesToken[k] || isFinished(request.status)) continue;
      const sampled = tokens(request);
      const hadOutputs = request.numOutputTokens > 0;
      const wasRunning = request.status === 'RUNNING';
      let stopStatus: RequestStatus | undefined;
      let appended = 0;
      if (typeof sampled === 'number') {
        // The usual case (no speculative decoding): one token, no array.
        request.appendOutputToken(sampled);
        appended = 1;
        stopStatus = checkStop(request, maxModelLen);
      } else {
        for (const token of sampled) {
          request.appendOutputToken(token);
          appended++;
          stopStatus = checkStop(request, maxModelLen);
          if (stopStatus !== undefined) break;
        }
      }
      if (appended > 0) this.onOutputTokens(request, appended, wasRunning);
      if (!hadOutputs && appended > 0 && !request.firstTokenSeen) {
        request.firstTokenSeen = true;
        this.emit(request, 'FIRST_TOKEN', output.step, nowNs);
      }
      if (stopStatus === undefined) {
        outputs.push(request, appended, undefined);
        continue;
      }
      request.status = stopStatus;
      const finishStatus = FINISH_STATUS[stopStatus];
      this.emit(request, 'FINISHED', output.step, nowNs, { finishStatus });
      if (wasRunning) (stoppedRunning ??= []).push(request);
      else this.waiting.remove(request);
      this.freeRequest(request, nowNs);
      outputs.push(request, appended, finishStatus);
    }
    if (stoppedRunning !== undefined) this.removeFromRunning(stoppedRunning);
    return outputs;
  }

  /**
   * update_from_output for a request that was steady in the batch and stopped being steady while
   * the batch was in flight: its one token, which stops nothing (steadyStepsAfter). A preempted
   * one still gets its token, as any other (an aborted one gets nothing).
   */
  private appendSteadyToken(request: SimRequest, tokens: TokenSource): void {
    const sampled = tokens(request);
    if (typeof sampled !== 'number') throw new Error(`internal: steady request ${request.requestId} sampled several tokens`);
    const wasRunning = request.status === 'RUNNING';
    request.appendOutputToken(sampled);
    if (checkStop(request, this.config.maxModelLen) !== undefined) {
      throw new Error(`internal: steady request ${request.requestId} stopped in a steady step`);
    }
    this.onOutputTokens(request, 1, wasRunning);
  }

  /**
   * vLLM's _update_request_with_output hook, after `numAppended` tokens were appended (and before
   * a stopped request is freed). Nothing to do in sync mode; AsyncScheduler settles placeholders.
   */
  protected onOutputTokens(_request: SimRequest, _numAppended: number, _wasRunning: boolean): void {}

  /**
   * Drop the requests that stopped in this update from `running`, their steady marks with them:
   * found by reference (reading every running request's status was a cache miss apiece), a few a
   * step at most.
   */
  private removeFromRunning(stopped: readonly SimRequest[]): void {
    for (let k = 0; k < stopped.length; k++) this.removeRunningAt(this.running.indexOf(stopped[k]!));
  }

  /**
   * Take `request` out of its steady stretch, if it is in one, and keep it out for good: its client
   * went away, and the frontend must see its outputs one by one to leave them out.
   */
  barSteady(request: SimRequest): void {
    request.steadyBarred = true;
    if (request.steadyFrom < 0) return;
    const position = this.running.indexOf(request);
    if (position < 0) throw new Error(`internal: steady request ${request.requestId} is not running`);
    this.steady!.leave(this.running, position, position + 1);
  }

  /**
   * Remove the running request at `position`, with its steady mark. A request leaving `running`
   * (preempted, aborted) is no longer steady: its fields are brought up to date first, since what
   * follows keeps its outputs or reports them.
   */
  private removeRunningAt(position: number): void {
    if (position < 0 || position >= this.running.length) throw new Error(`internal: no running request at ${position}`);
    this.steady?.materialize(this.running[position]!);
    removeAt(this.running, position);
    if (position === 0 && ++this.runningFrontRemovals === RENEW_RUNNING_EVERY) {
      this.runningFrontRemovals = 0;
      renewStorage(this.running);
    }
    this.steady?.marks.removeAt(position);
  }

  private freeRequest(request: SimRequest, nowNs: number): void {
    this.finishedRequests.push(request);
    this.kv.free(request);
    this.requests.delete(request.index);
    this.listener.freed(request, nowNs);
  }

  private emit(
    request: SimRequest,
    type: JourneyRecord['type'],
    step: number,
    nowNs: number,
    extra?: Parameters<typeof journeyRecord>[4],
  ): void {
    if (request.traced) this.listener.journey(request, journeyRecord(request, type, step, nowNs, extra));
  }

  /**
   * vLLM's reset_prefix_cache(reset_running_requests): optionally preempt every running request
   * (from the tail, so they return to the waiting front in their original order), then clear the
   * cache, which succeeds only if no block is in use. Does not move the step counter.
   */
  resetPrefixCache(resetRunningRequests: boolean, nowNs: number): boolean {
    if (resetRunningRequests) {
      while (this.running.length > 0) {
        const request = this.running[this.running.length - 1]!;
        this.removeRunningAt(this.running.length - 1);
        this.preempt(request, this.stepCounter, nowNs);
      }
    }
    return this.kv.resetPrefixCache();
  }

  /** Written invariants (A.9 and KV block conservation); throws on a broken one. */
  checkInvariants(): void {
    if (this.running.length > this.config.maxNumSeqs) throw new Error('internal: running exceeds max_num_seqs');
    for (const request of this.running) {
      if (request.status !== 'RUNNING') throw new Error(`internal: ${request.requestId} in running with status ${request.status}`);
      if (request.numOutputPlaceholders < 0 || request.numComputedTokens > request.numTokens + request.numOutputPlaceholders) {
        throw new Error(`internal: ${request.requestId} computed past its known and in-flight tokens`);
      }
    }
    if (this.running.length + this.waiting.length !== this.requests.size) {
      throw new Error('internal: request conservation broke (running + waiting != unfinished)');
    }
    this.kv.checkInvariants();
  }
}

export type { BatchShape };

