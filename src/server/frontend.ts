// The API server (vLLM's OpenAI frontend) as the simulation sees it: it receives requests, decides
// journey sampling, names requests, emits the api.* events of spec C.3, hands requests to the
// engine after a delay, and measures latencies where a client would.
import type { EventCalendar } from '../engine/calendar.js';
import type { RandomStream, RandomStreams } from '../engine/random.js';
import { IndexMap } from '../engine/index-map.js';
import { secondsToNs } from '../engine/time.js';
import type { MetricsCollector } from '../report/metrics.js';
import type { SimRequest } from '../scheduler/request.js';
import type { StepOutputs } from '../scheduler/scheduler-output.js';
import type { TraceRecorder } from '../trace/records.js';
import type { RequestOutcome, RequestSpec } from '../workload/request-spec.js';
import { engineInput, PRIORITY, type SimEvent } from './events.js';
import type { SimulationConfig } from './scenario-config.js';
import { servedOf } from './engine-request.js';
import { PendingQueue } from './pending-queue.js';
import { RequestIds } from './request-ids.js';
import { ServedRequest } from './served-request.js';

/** A request's steady outputs of steps [fromStep, toStep] (SteadyEntries). */
interface SteadyStretch {
  readonly served: ServedRequest;
  readonly fromStep: number;
  readonly toStep: number;
}

export class Frontend {
  /** Requests not yet done with, by index (an IndexMap: see there why not a Map). */
  readonly live = new IndexMap<ServedRequest>();
  private nextIndex = 0;
  private readonly ids: RandomStream;
  private readonly journeySampling: RandomStream;
  private readonly inputDelayNs: number;
  private readonly outputDelayNs: number;
  /** The last step whose outputs were delivered, and when. */
  private deliveredStep = 0;
  private lastDeliveryNs = -1;
  /** Steady stretches reported by the engine whose last step is not delivered yet, in step order. */
  private readonly stretches = new PendingQueue<SteadyStretch>();
  /** Steps whose steady outputs include one (each range) of a client that went away: rarely any. */
  private readonly excludedOutputs: { readonly fromStep: number; readonly toStep: number }[] = [];
  private barSteady: ((request: SimRequest) => void) | undefined;

  constructor(
    private readonly config: SimulationConfig,
    streams: RandomStreams,
    private readonly calendar: EventCalendar<SimEvent>,
    private readonly metrics: MetricsCollector,
    private readonly trace: TraceRecorder | null,
  ) {
    this.ids = streams.stream('ids');
    this.journeySampling = streams.stream('journey-sampling');
    this.inputDelayNs = secondsToNs(config.frontend.inputDelay);
    this.outputDelayNs = secondsToNs(config.frontend.outputDelay);
  }

  get outputDelay(): number {
    return this.outputDelayNs;
  }

  /** Between a request's arrival and its add reaching the engine (frontend.input_delay). */
  get inputDelay(): number {
    return this.inputDelayNs;
  }

  /**
   * api.ARRIVED (+ api.HANDOFF_TO_CORE for chat). Returns the request, which the caller hands to
   * the engine after the input delay (handOver in simulation.ts), or undefined when it is rejected.
   */
  arrive(spec: RequestSpec, nowNs: number): ServedRequest | undefined {
    const index = this.nextIndex++;
    this.metrics.onArrival(nowNs);
    // Draw ids and the sampling decision for every request, so neither depends on the other.
    const ids = new RequestIds(this.ids, spec.id, spec.endpoint === 'chat');
    const u = this.journeySampling.next();
    const { enableJourneyTracing, journeyTracingSampleRate } = this.config.observability;
    if (spec.prompt.length + spec.maxTokens > this.config.engine.maxModelLen) {
      // vLLM's API answers HTTP 400 before the request span exists; it never reaches the engine.
      this.metrics.rejected++;
      this.done(spec, { status: 'rejected', arrivalNs: spec.arrivalNs, firstOutputNs: undefined, doneNs: nowNs, outputTokens: 0 });
      return undefined;
    }
    const traced = this.trace !== null && enableJourneyTracing && u < journeyTracingSampleRate;
    const served = new ServedRequest(index, spec, ids, traced);
    this.live.set(index, served);
    if (traced) {
      this.trace!.startRequestSpan(
        {
          index,
          apiRequestId: served.apiRequestId,
          engineRequestId: served.engineRequestId,
          endpoint: spec.endpoint,
          stream: spec.stream,
          model: this.config.modelName,
          promptTokens: spec.prompt.length,
          maxTokens: spec.maxTokens,
          // vLLM's SamplingParams defaults, which its API span reports when a client sets none.
          temperature: 1.0,
          topP: 1.0,
        },
        nowNs,
      );
      this.trace!.apiEvent(index, { name: 'api.ARRIVED', timeNs: nowNs });
      if (spec.endpoint === 'chat') this.trace!.apiEvent(index, { name: 'api.HANDOFF_TO_CORE', timeNs: nowNs });
    }
    // (The abort is on the calendar before the caller hands the request over, so that it sees an
    // abort at the arrival time come before the engine input.)
    if (spec.abortAtNs !== undefined) {
      this.calendar.schedule(Math.max(spec.abortAtNs, nowNs), PRIORITY.CLIENT_ABORT, { kind: 'client-abort', index });
    }
    return served;
  }

  /** The client disconnects: api.ABORTED, and the engine is told to abort after the input delay. */
  clientAbort(index: number, nowNs: number): void {
    const served = this.live.get(index);
    if (served === undefined || served.clientDone) return;
    this.settleSteadyOfGoneClient(served);
    served.clientDone = true;
    this.metrics.aborted++;
    if (served.traced) {
      const error = 'client disconnected';
      this.trace!.apiEvent(index, { name: 'api.ABORTED', timeNs: nowNs, reason: 'client_disconnect', error });
      this.trace!.endRequestSpan(index, nowNs, { errorMessage: error });
    }
    this.calendar.schedule(nowNs + this.inputDelayNs, PRIORITY.ENGINE_INPUT, engineInput('abort', index));
    this.forgetIfDone(served);
    this.done(served.spec, this.outcome(served, 'aborted', nowNs));
  }

  /**
   * Engine outputs of one step arrive at the client. The steady ones (SteadyEntries) are only
   * counted: each one's inter-token gap is the time since the previous step's delivery, which had
   * its request's previous output, and they are credited to their requests when their stretch
   * ends (steadyOutputs). The histogram's sums do not depend on the order of values.
   */
  receive(outputs: StepOutputs, nowNs: number): void {
    const step = outputs.step;
    const itl = this.metrics.itlNs;
    this.creditStretchesEndingAt(step, nowNs);
    const steadyGaps = outputs.steady.streamed - this.excludedOutputsAt(step);
    if (steadyGaps > 0) itl.recordRun(nowNs - this.lastDeliveryNs, steadyGaps);
    const { requests, numNewTokens, finishStatus } = outputs;
    for (let k = 0; k < outputs.length; k++) {
      // A request leaves `live` only once the client is done with it, so clientDone covers both.
      const served = servedOf(requests[k]!);
      if (served.clientDone) continue;
      const numTokens = numNewTokens[k]!;
      if (numTokens > 0) {
        const itlGap = this.receiveTokens(served, numTokens, nowNs);
        if (itlGap >= 0) itl.record(itlGap);
      }
      const status = finishStatus[k];
      if (status === 'stopped' || status === 'length') this.complete(served, status, nowNs);
    }
    this.deliveredStep = step;
    this.lastDeliveryNs = nowNs;
  }

  /**
   * The engine's steady decodes are on (they report here through steadyOutputs): `barSteady` takes
   * a request out of its steady stretch for good, for a client that goes away.
   */
  setSteadyBar(barSteady: (request: SimRequest) => void): void {
    this.barSteady = barSteady;
  }

  /**
   * The engine reports that `served`'s request was steady in steps [fromStep, toStep]: one output
   * each, counted and not listed. They are credited when step `toStep` is delivered, or now if it
   * was.
   */
  steadyOutputs(served: ServedRequest, fromStep: number, toStep: number): void {
    if (toStep > this.deliveredStep) {
      this.stretches.push({ served, fromStep, toStep });
    } else if (toStep === this.deliveredStep) {
      this.creditSteady(served, toStep - fromStep + 1, this.lastDeliveryNs);
    } else {
      throw new Error(`internal: steady outputs up to step ${toStep} reported after step ${this.deliveredStep} was delivered`);
    }
  }

  /**
   * Credit the stretches whose last step is `step`, just delivered (reported in step order). A
   * stretch of a client that went away may end in a step that had no output left to deliver.
   */
  private creditStretchesEndingAt(step: number, nowNs: number): void {
    const stretches = this.stretches;
    for (let next = stretches.peek(); next !== undefined && next.toStep <= step; next = stretches.peek()) {
      const { served, fromStep, toStep } = stretches.shift();
      if (served.clientDone) continue;
      if (toStep !== step) throw new Error(`internal: steady outputs up to step ${toStep} were not delivered`);
      this.creditSteady(served, toStep - fromStep + 1, nowNs);
    }
  }

  /** The client received `count` steady outputs, the last at `lastNs`. */
  private creditSteady(served: ServedRequest, count: number, lastNs: number): void {
    if (served.clientDone) return;
    served.outputsReceived += count;
    served.lastOutputNs = lastNs;
  }

  /**
   * The client of `served` is going away: its request is taken out of any steady stretch for good
   * (which reports the stretch), the steady outputs it received so far are credited, and those
   * still on their way are left out of their steps' inter-token gaps.
   */
  private settleSteadyOfGoneClient(served: ServedRequest): void {
    if (served.sim !== undefined) this.barSteady?.(served.sim);
    const delivered = this.deliveredStep;
    for (let k = 0; k < this.stretches.length; k++) {
      const { served: owner, fromStep, toStep } = this.stretches.at(k);
      if (owner !== served) continue;
      if (fromStep <= delivered) this.creditSteady(served, delivered - fromStep + 1, this.lastDeliveryNs);
      if (served.streaming) this.excludedOutputs.push({ fromStep: Math.max(fromStep, delivered + 1), toStep });
    }
  }

  /** How many steady outputs of step `step` belong to clients that went away. */
  private excludedOutputsAt(step: number): number {
    const ranges = this.excludedOutputs;
    if (ranges.length === 0) return 0;
    let excluded = 0;
    let pending = false;
    for (const range of ranges) {
      if (range.fromStep <= step && step <= range.toStep) excluded++;
      if (range.toStep > step) pending = true;
    }
    if (!pending) ranges.length = 0;
    return excluded;
  }

  /** Client-side bookkeeping of new tokens; returns the inter-token gap to record, or -1 for none. */
  private receiveTokens(served: ServedRequest, numTokens: number, nowNs: number): number {
    const streaming = served.streaming;
    let itlGap = -1;
    if (served.outputsReceived === 0) {
      if (streaming) {
        served.firstOutputNs = nowNs;
        if (served.traced && served.spec.endpoint === 'chat') {
          this.trace!.apiEvent(served.index, { name: 'api.FIRST_RESPONSE_FROM_CORE', timeNs: nowNs });
        }
      }
    } else if (streaming) {
      itlGap = nowNs - served.lastOutputNs;
    }
    served.lastOutputNs = nowNs;
    served.outputsReceived += numTokens;
    return itlGap;
  }

  private complete(served: ServedRequest, status: 'stopped' | 'length', nowNs: number): void {
    served.clientDone = true;
    if (!served.streaming) {
      // Non-streaming: the first (and only) response is the final one.
      served.firstOutputNs = nowNs;
      if (served.traced && served.spec.endpoint === 'chat') {
        this.trace!.apiEvent(served.index, { name: 'api.FIRST_RESPONSE_FROM_CORE', timeNs: nowNs });
      }
    }
    if (served.traced) {
      this.trace!.apiEvent(served.index, { name: 'api.DEPARTED', timeNs: nowNs });
      this.trace!.endRequestSpan(served.index, nowNs, { completionTokens: served.outputsReceived });
    }
    this.metrics.onCompleted({
      arrivalNs: served.spec.arrivalNs,
      firstOutputNs: served.firstOutputNs,
      doneNs: nowNs,
      promptTokens: served.spec.prompt.length,
      outputTokens: served.outputsReceived,
      queueNs: served.firstScheduledNs - served.engineAddNs,
      status,
      priority: served.spec.priority,
    });
    this.forgetIfDone(served);
    this.done(served.spec, this.outcome(served, status, nowNs));
  }

  private outcome(served: ServedRequest, status: RequestOutcome['status'], nowNs: number): RequestOutcome {
    const { arrivalNs } = served.spec;
    const firstOutputNs = served.firstOutputNs < 0 ? undefined : served.firstOutputNs;
    return { status, arrivalNs, firstOutputNs, doneNs: nowNs, outputTokens: served.outputsReceived };
  }

  /** The client is done with `spec`: its `onDone` may send the client's next request. */
  private done(spec: RequestSpec, outcome: RequestOutcome): void {
    const next = spec.onDone?.(outcome);
    if (next === undefined) return;
    if (!(next.arrivalNs >= outcome.doneNs)) {
      throw new Error(`internal: a follow-up request arrives at ${next.arrivalNs}, before its cause finished at ${outcome.doneNs}`);
    }
    this.calendar.schedule(next.arrivalNs, PRIORITY.ARRIVAL, { kind: 'follow-up', spec: next });
  }

  forgetIfDone(served: ServedRequest): void {
    if (served.clientDone && served.engineDone) this.live.delete(served.index);
  }
}
