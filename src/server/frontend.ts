// The API server (vLLM's OpenAI frontend) as the simulation sees it: it receives requests, decides
// journey sampling, names requests, emits the api.* events of spec C.3, hands requests to the
// engine after a delay, and measures latencies where a client would.
import type { EventCalendar } from '../engine/calendar.js';
import type { RandomStream, RandomStreams } from '../engine/random.js';
import { hex32 } from '../engine/hex.js';
import { secondsToNs } from '../engine/time.js';
import type { MetricsCollector } from '../report/metrics.js';
import type { StepOutputs } from '../scheduler/scheduler-output.js';
import type { TraceRecorder } from '../trace/records.js';
import type { RequestOutcome, RequestSpec } from '../workload/request-spec.js';
import { PRIORITY, type SimEvent } from './events.js';
import type { SimulationConfig } from './scenario-config.js';
import { servedOf } from './engine-request.js';
import { ServedRequest } from './served-request.js';

/** 8 hex digits of the ids stream. */
function hexDraw(stream: RandomStream): string {
  return hex32(stream.nextUint32());
}

export class Frontend {
  readonly live = new Map<number, ServedRequest>();
  private nextIndex = 0;
  private readonly ids: RandomStream;
  private readonly journeySampling: RandomStream;
  private readonly inputDelayNs: number;
  private readonly outputDelayNs: number;

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

  /** api.ARRIVED (+ api.HANDOFF_TO_CORE for chat), then the engine sees it after the input delay. */
  arrive(spec: RequestSpec, nowNs: number): void {
    const index = this.nextIndex++;
    this.metrics.onArrival(nowNs);
    // Draw ids and the sampling decision for every request, so neither depends on the other.
    const base = spec.id ?? `${hexDraw(this.ids)}${hexDraw(this.ids)}${hexDraw(this.ids)}${hexDraw(this.ids)}`;
    const apiRequestId = `${spec.endpoint === 'chat' ? 'chatcmpl' : 'cmpl'}-${base}`;
    // vLLM's engine id appends 8 random hex chars; completions first append the prompt index.
    const engineRequestId = `${apiRequestId}${spec.endpoint === 'chat' ? '' : '-0'}-${hexDraw(this.ids)}`;
    const u = this.journeySampling.next();
    const { enableJourneyTracing, journeyTracingSampleRate } = this.config.observability;
    if (spec.prompt.length + spec.maxTokens > this.config.engine.maxModelLen) {
      // vLLM's API answers HTTP 400 before the request span exists; it never reaches the engine.
      this.metrics.rejected++;
      this.done(spec, { status: 'rejected', arrivalNs: spec.arrivalNs, firstOutputNs: undefined, doneNs: nowNs, outputTokens: 0 });
      return;
    }
    const traced = this.trace !== null && enableJourneyTracing && u < journeyTracingSampleRate;
    const served = new ServedRequest(index, spec, apiRequestId, engineRequestId, traced);
    this.live.set(index, served);
    if (traced) {
      this.trace!.startRequestSpan(
        {
          index,
          apiRequestId,
          engineRequestId,
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
    this.calendar.schedule(nowNs + this.inputDelayNs, PRIORITY.ENGINE_INPUT, { kind: 'engine-input', input: 'add', index });
    if (spec.abortAtNs !== undefined) {
      this.calendar.schedule(Math.max(spec.abortAtNs, nowNs), PRIORITY.CLIENT_ABORT, { kind: 'client-abort', index });
    }
  }

  /** The client disconnects: api.ABORTED, and the engine is told to abort after the input delay. */
  clientAbort(index: number, nowNs: number): void {
    const served = this.live.get(index);
    if (served === undefined || served.clientDone) return;
    served.clientDone = true;
    this.metrics.aborted++;
    if (served.traced) {
      const error = 'client disconnected';
      this.trace!.apiEvent(index, { name: 'api.ABORTED', timeNs: nowNs, reason: 'client_disconnect', error });
      this.trace!.endRequestSpan(index, nowNs, { errorMessage: error });
    }
    this.calendar.schedule(nowNs + this.inputDelayNs, PRIORITY.ENGINE_INPUT, { kind: 'engine-input', input: 'abort', index });
    this.forgetIfDone(served);
    this.done(served.spec, this.outcome(served, 'aborted', nowNs));
  }

  /**
   * Engine outputs of one step arrive at the client. Most requests of a step received their
   * previous token in the same earlier step, so their inter-token gaps are equal: runs of equal
   * gaps go to the histogram as one (gap, count) record, in order.
   */
  receive(outputs: StepOutputs, nowNs: number): void {
    const itl = this.metrics.itlNs;
    const { requests, numNewTokens, finishStatus } = outputs;
    let gap = -1;
    let run = 0;
    for (let k = 0; k < outputs.length; k++) {
      // A request leaves `live` only once the client is done with it, so clientDone covers both.
      const served = servedOf(requests[k]!);
      if (served.clientDone) continue;
      const numTokens = numNewTokens[k]!;
      if (numTokens > 0) {
        const itlGap = this.receiveTokens(served, numTokens, nowNs);
        if (itlGap >= 0) {
          if (itlGap !== gap) {
            if (run > 0) itl.recordRun(gap, run);
            gap = itlGap;
            run = 0;
          }
          run++;
        }
      }
      const status = finishStatus[k];
      if (status === 'stopped' || status === 'length') this.complete(served, status, nowNs);
    }
    if (run > 0) itl.recordRun(gap, run);
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
