// The engine core's busy loop (vllm/v1/engine/core.py, spec A.3) on the virtual clock, as vLLM's
// step_with_batch_queue with a queue of 1 batch (sync: step()) or 2 (async scheduling):
//   step-begin: drain inputs (adds -> QUEUED, aborts), schedule() if there are requests, which
//               takes the modelled scheduler time, and submit the batch to the GPU. With room in
//               the queue, loop again at once (async: schedule N+1 while N runs); otherwise wait
//               for the oldest batch;
//   step-end:   that batch's forward pass is done: aborts that arrived meanwhile,
//               update_from_output, outputs to the frontend, and straight into the next iteration.
// The GPU is serial: a forward pass starts when its schedule() is over and the previous pass is
// done. Idle (no steps) while nothing is pending and no batch is in flight.
import type { EventCalendar } from '../engine/calendar.js';
import type { RandomStream, RandomStreams } from '../engine/random.js';
import type { MetricsCollector } from '../report/metrics.js';
import { AsyncScheduler } from '../scheduler/async-scheduler.js';
import type { SimRequest } from '../scheduler/request.js';
import { Scheduler, type SchedulerListener } from '../scheduler/scheduler.js';
import type { SchedulerOutput, StepSampler } from '../scheduler/scheduler-output.js';
import { createStepTimeModel, schedulerTimeNs, type StepTimeModel } from '../timing/step-time.js';
import type { StepRecord, TraceRecorder } from '../trace/records.js';
import { TokenContent } from '../tokens/token-content.js';
import { EOS_TOKEN_ID } from '../workload/tokens.js';
import { EngineRequest, servedOf } from './engine-request.js';
import { PRIORITY, type SimEvent } from './events.js';
import type { Frontend } from './frontend.js';
import type { SimulationConfig } from './scenario-config.js';
import type { ServedRequest } from './served-request.js';

class SeededStepSampler implements StepSampler {
  constructor(
    private readonly stream: RandomStream,
    private readonly sampleRate: number,
    private readonly richRate: number,
  ) {}
  sampleSummary(): boolean {
    return this.stream.next() < this.sampleRate;
  }
  sampleRich(): boolean {
    return this.stream.next() < this.richRate;
  }
}

/**
 * Iterations the engine runs back to back at most (EngineCore.runIterations) before it goes through
 * the calendar again: the run loop looks at `shouldStop` (SIGINT, timeouts) every 4,096 events, so
 * in a long stretch with no other event it still does every 65,536 steps at most.
 */
const MAX_ITERATIONS_AT_ONCE = 16;

/** The payload of every step-begin event (it carries no data, so one object serves every step). */
const STEP_BEGIN_EVENT: SimEvent = Object.freeze({ kind: 'step-begin' });

interface EngineInput {
  readonly input: 'add' | 'abort';
  readonly served: ServedRequest;
}

/** How the engine runs; the defaults are what users get, the switches let tests compare paths. */
export interface EngineOptions {
  /** Check the scheduler's written invariants after every step (slower). */
  readonly checkInvariants?: boolean;
  /** The run stops at this virtual time (RunOptions.maxSimTimeNs). */
  readonly maxSimTimeNs?: number;
  /** The scheduler's steady-decode fast path (scheduler/steady-decodes.ts), on by default. */
  readonly steadyDecodes?: boolean;
  /**
   * What simtrace knows of synthetic content, on by default: prompts and the model's outputs kept
   * as runs of synthetic tokens, a KV block inside one run hashed from the run
   * (tokens/token-content.ts), and the blocks of a request's own content registered in the prefix
   * cache only when it can look them up (KvCacheManager.registerFullBlocks). Off, every request
   * spells out its tokens, and every block is hashed from them and registered as vLLM does: the
   * same output, slower.
   */
  readonly tokenRuns?: boolean;
}

export class EngineCore {
  readonly scheduler: Scheduler;
  private readonly stepTime: StepTimeModel;
  private inputs: EngineInput[] = [];
  /** A step-begin is on the calendar or a step is executing. */
  private active = false;
  private readonly checkInvariants: boolean;
  /** Requests keep their prompts and the model's outputs as token runs (EngineOptions.tokenRuns). */
  private readonly tokenRuns: boolean;
  private readonly stepTracing: boolean;
  /**
   * vLLM's batch_queue, oldest first; at most batchQueueSize (1 sync, 2 async) batches: their
   * outputs, and beside each when its forward pass ends (two arrays, not an object per step).
   */
  private readonly batchQueue: SchedulerOutput[] = [];
  private readonly batchDoneNs: number[] = [];
  /** When the last schedule() ended and its batch went to the GPU. */
  private submittedNs = 0;
  private readonly batchQueueSize: number;
  /** When the GPU finishes the last submitted forward pass. */
  private gpuFreeNs = 0;
  /** When the forward pass the engine waits for ends (set by beginIteration). */
  private awaitedEndNs = 0;
  /** The run stops at this virtual time (RunOptions.maxSimTimeNs): no step ends here after it. */
  private readonly horizonNs: number;

  constructor(
    private readonly config: SimulationConfig,
    streams: RandomStreams,
    private readonly calendar: EventCalendar<SimEvent>,
    private readonly frontend: Frontend,
    private readonly metrics: MetricsCollector,
    private readonly trace: TraceRecorder | null,
    options: EngineOptions = {},
  ) {
    this.checkInvariants = options.checkInvariants ?? false;
    this.horizonNs = options.maxSimTimeNs ?? Infinity;
    this.tokenRuns = options.tokenRuns ?? true;
    const steadyDecodes = options.steadyDecodes ?? true;
    const obs = config.observability;
    this.stepTracing = trace !== null && obs.stepTracingEnabled;
    const sampler = this.stepTracing
      ? new SeededStepSampler(streams.stream('step-sampling'), obs.stepTracingSampleRate, obs.stepTracingRichSubsampleRate)
      : null;
    const listener: SchedulerListener = {
      journey: (request, record) => this.trace?.journeyEvent(request.index, record),
      freed: (request, timeNs) => this.onFreed(request, timeNs),
    };
    const asyncScheduling = config.engine.asyncScheduling === true;
    this.scheduler = asyncScheduling ? new AsyncScheduler(config.engine, listener, sampler) : new Scheduler(config.engine, listener, sampler);
    this.batchQueueSize = asyncScheduling ? 2 : 1;
    if (steadyDecodes) {
      // The scheduler's fast path for requests that only decode (scheduler/steady-decodes.ts).
      this.scheduler.enableSteadyDecodes({
        plannedEosCount: (request) => (request as EngineRequest).eosCount,
        streamed: (request) => (request as EngineRequest).streaming,
        steadyOutputs: (request, fromStep, toStep) => frontend.steadyOutputs(servedOf(request), fromStep, toStep),
      });
      frontend.setSteadyBar((request) => this.scheduler.barSteady(request));
    }
    this.stepTime = createStepTimeModel(config.stepTime);
  }

  /** An add or abort reaches the engine's input queue; wakes an idle engine. */
  receive(input: 'add' | 'abort', served: ServedRequest, nowNs: number): void {
    this.inputs.push({ input, served });
    if (!this.active) {
      this.active = true;
      this.calendar.schedule(nowNs, PRIORITY.STEP_BEGIN, STEP_BEGIN_EVENT);
    }
  }

  /** The step-begin event: an iteration, and those that follow it back to back (runIterations). */
  stepBegin(nowNs: number): number {
    return this.runIterations(nowNs, undefined);
  }

  /** The step-end event: `output`'s forward pass is done (runIterations). */
  stepEnd(output: SchedulerOutput, nowNs: number): number {
    return this.runIterations(nowNs, output);
  }

  /**
   * The engine loop from a step-begin (`ended` undefined) or a step-end (the output whose forward
   * pass ended at `startNs`). Each next step-begin and step-end runs here at once, without the
   * calendar, while its event would be the next anyway: then nothing else can happen in between,
   * so the order of everything is the calendar's. Scheduling and popping those two events every
   * step was a few percent of a run (issue 9). Returns the virtual time reached: that of the last
   * event run here.
   */
  private runIterations(startNs: number, ended: SchedulerOutput | undefined): number {
    let nowNs = startNs;
    let output = ended;
    for (let iterations = 0; ; iterations++) {
      if (output !== undefined) {
        this.completeStep(output, nowNs);
        if (!this.calendar.nextWouldBe(nowNs, PRIORITY.STEP_BEGIN)) {
          this.calendar.schedule(nowNs, PRIORITY.STEP_BEGIN, STEP_BEGIN_EVENT);
          return nowNs;
        }
      }
      const awaited = this.beginIteration(nowNs);
      if (awaited === undefined) return nowNs;
      const endNs = this.awaitedEndNs;
      if (iterations >= MAX_ITERATIONS_AT_ONCE || endNs > this.horizonNs || !this.calendar.nextWouldBe(endNs, PRIORITY.STEP_END)) {
        this.calendar.schedule(endNs, PRIORITY.STEP_END, { kind: 'step-end', output: awaited });
        return nowNs;
      }
      nowNs = endNs;
      output = awaited;
    }
  }

  /**
   * One iteration's start: drain the inputs, schedule() and submit a batch. Returns the output of
   * the batch the engine now waits for (its forward pass ends at `awaitedEndNs`), or undefined when
   * it goes idle or another iteration is already on the calendar.
   */
  private beginIteration(nowNs: number): SchedulerOutput | undefined {
    this.drainInputs(nowNs, false);
    const queue = this.batchQueue;
    let cpuNs = nowNs;
    if (this.scheduler.hasRequests()) {
      const output = this.scheduleBatch(nowNs);
      cpuNs = this.submittedNs;
      if (output.totalScheduledTokens > 0 && queue.length < this.batchQueueSize && this.batchDoneNs[0]! > cpuNs) {
        // vLLM does not block while the batch ran tokens, the queue has room and the oldest batch
        // is still running: the next schedule() overlaps this forward pass.
        this.calendar.schedule(cpuNs, PRIORITY.STEP_BEGIN, STEP_BEGIN_EVENT);
        return undefined;
      }
    } else if (queue.length === 0) {
      this.active = false;
      return undefined;
    }
    // Wait for the oldest batch; its output is processed when its forward pass is done.
    const oldest = queue.shift()!;
    this.awaitedEndNs = Math.max(cpuNs, this.batchDoneNs.shift()!);
    return oldest;
  }

  /** schedule(), its trace and metrics, and the batch's slot on the GPU (queued, submitted at submittedNs). */
  private scheduleBatch(nowNs: number): SchedulerOutput {
    const scheduler = this.scheduler;
    const output = scheduler.schedule(nowNs);
    // Both tests run in every step (no && between them): a test that optimized code has never seen
    // run undoes that code when it first does, and this one is almost never reached (issue 9).
    const idle = output.totalScheduledTokens + output.numRunning === 0;
    const waiting = output.numWaiting > 0;
    if (idle && waiting) {
      throw new Error(`internal: step ${output.step} can schedule nothing with an idle pool (livelock)`);
    }
    const schedNs = schedulerTimeNs(this.config.schedulerTime, output.numRunning);
    const tEmit = nowNs + schedNs;
    this.noteAdmissions(output, nowNs);
    this.metrics.onStep(output.batch.kvUsageRatio, output.preemptedRequests.length, output.numRunning, output.numWaiting);
    if (this.stepTracing) {
      // Emitted at the end of schedule()'s own time, as an event, so the recorder hears of
      // everything in virtual-time order (a client may receive output in the meantime).
      // Most steps are not sampled: their record is just the step and its time (the recorder still
      // counts them for its step windows); the sampled parts are added only when present.
      const record: { -readonly [K in keyof StepRecord]: StepRecord[K] } = { step: output.step, timeNs: tEmit };
      if (output.sampledSummary) {
        record.summary = { ...output.batch, tsStartNs: nowNs, tsEndNs: tEmit, durationUs: Math.floor(schedNs / 1000) };
      }
      if (output.snapshots !== undefined) record.snapshots = output.snapshots;
      this.calendar.schedule(tEmit, PRIORITY.STEP_TRACE, { kind: 'step-trace', record });
    }
    if (this.checkInvariants) scheduler.checkInvariants();
    const forwardNs = output.totalScheduledTokens > 0 ? this.stepTime.forwardNs(output.shape) : 0;
    const doneNs = Math.max(tEmit, this.gpuFreeNs) + forwardNs;
    this.gpuFreeNs = doneNs;
    this.batchQueue.push(output);
    this.batchDoneNs.push(doneNs);
    this.submittedNs = tEmit;
    return output;
  }

  /** The model's sampled token (one closure for the run, not one per step). */
  private readonly nextToken = (request: SimRequest): number => (request as EngineRequest).sampleToken();

  traceStep(record: StepRecord): void {
    this.trace!.step(record);
  }

  /** After a forward pass: aborts that arrived meanwhile, update_from_output, outputs to the frontend. */
  private completeStep(output: SchedulerOutput, nowNs: number): void {
    this.drainInputs(nowNs, true);
    const outputs = this.scheduler.updateFromOutput(output, this.nextToken, nowNs);
    if (this.checkInvariants) this.scheduler.checkInvariants();
    // The outputs reach the frontend at once when their event would be the next on the calendar
    // anyway (the usual case): one event fewer per step (issue 9). The frontend changes nothing
    // the scheduler reads.
    if (!outputs.isEmpty) {
      const deliverNs = nowNs + this.frontend.outputDelay;
      if (deliverNs === nowNs && this.calendar.nextWouldBe(nowNs, PRIORITY.FRONTEND_OUTPUT)) this.frontend.receive(outputs, nowNs);
      else this.calendar.schedule(deliverNs, PRIORITY.FRONTEND_OUTPUT, { kind: 'frontend-output', outputs });
    }
  }

  /**
   * Inputs in arrival order. vLLM puts an abort on both its aborts queue (processed right after a
   * forward pass) and its input queue (processed at the next iteration's drain): so after a pass
   * only aborts of requests the engine already has are applied, and every input stays queued for
   * the drain, where an abort that overtook its own add still catches the request.
   */
  private drainInputs(nowNs: number, abortsOnly: boolean): void {
    if (this.inputs.length === 0) return;
    if (abortsOnly) {
      const inputs = this.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const item = inputs[k]!;
        if (item.input === 'abort' && item.served.sim !== undefined) {
          this.scheduler.finishRequests([item.served.sim], 'FINISHED_ABORTED', nowNs);
        }
      }
      return;
    }
    const pending = this.inputs;
    this.inputs = [];
    for (let k = 0; k < pending.length; k++) {
      const item = pending[k]!;
      if (item.input === 'add') this.add(item.served, nowNs);
      else if (item.served.sim !== undefined) this.scheduler.finishRequests([item.served.sim], 'FINISHED_ABORTED', nowNs);
    }
  }

  private add(served: ServedRequest, nowNs: number): void {
    const { engine } = this.config;
    const spec = served.spec;
    // Its tokens: the simulated model's outputs continue the request's content (modelOutputToken).
    // Without token runs (EngineOptions.tokenRuns) the prompt is spelled out, the outputs are
    // stored as sampled, and no content is private. The fields are written out, not spread from an
    // object: a spread in an object literal copies through a generic path (issue 9).
    const runs = this.tokenRuns;
    const sim = new EngineRequest(
      {
        index: served.index,
        // The served request builds its id when first read (request-ids.ts).
        requestId: served,
        prompt: runs ? spec.prompt : TokenContent.tokens(spec.prompt.toArray()),
        outputKey: runs ? spec.contentKey : undefined,
        outputKeyIsPrivate: runs && spec.privateContent === true,
        maxTokens: spec.maxTokens,
        arrivalTimeNs: spec.arrivalNs,
        priority: spec.priority,
        eosTokenId: EOS_TOKEN_ID,
        traced: served.traced,
      },
      engine.blockSize,
      engine.enablePrefixCaching,
      served,
    );
    served.sim = sim;
    served.engineAddNs = nowNs;
    if (served.traced) this.trace!.startCoreSpan(served.index, nowNs);
    this.scheduler.addRequest(sim, nowNs);
    // A client that already went away must see its outputs one by one (Frontend.clientAbort).
    if (served.clientDone) this.scheduler.barSteady(sim);
  }

  /** Admissions are the tail of the scheduled list; remember when each was first scheduled. */
  private noteAdmissions(output: SchedulerOutput, nowNs: number): void {
    const admitted = output.numNewRequests + output.numResumedRequests;
    const scheduled = output.scheduledRequests;
    for (let k = scheduled.length - admitted; k < scheduled.length; k++) {
      const served = this.frontend.live.get(scheduled[k]!.index);
      if (served !== undefined && served.firstScheduledNs < 0) served.firstScheduledNs = nowNs;
    }
  }

  private onFreed(request: SimRequest, timeNs: number): void {
    const served = this.frontend.live.get(request.index);
    if (served === undefined) return;
    if (served.traced) this.trace!.endCoreSpan(request.index, timeNs);
    served.engineDone = true;
    this.frontend.forgetIfDone(served);
  }

  get lastStep(): number {
    return this.scheduler.stepCounter;
  }
}
