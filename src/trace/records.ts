// What the simulation reports to tracing, as plain data captured at the moment each thing happens
// (vLLM reads its attribute values at the same moments). The trace layer turns these into OTEL spans
// and events; it never reaches back into scheduler state. Times are virtual nanoseconds.

export type JourneyEventType = 'QUEUED' | 'SCHEDULED' | 'FIRST_TOKEN' | 'PREEMPTED' | 'FINISHED';
export type RequestPhase = 'WAITING' | 'PREFILL' | 'DECODE';
export type ScheduleKind = 'FIRST' | 'RESUME';
/** Journey `finish.status` values (spec C.4). */
export type FinishStatus = 'stopped' | 'length' | 'aborted' | 'ignored' | 'error';

/** One `journey.<TYPE>` event on a request's `llm_core` span (spec C.4). */
export interface JourneyRecord {
  readonly type: JourneyEventType;
  readonly timeNs: number;
  readonly step: number;
  readonly phase: RequestPhase;
  readonly prefillDoneTokens: number;
  readonly prefillTotalTokens: number;
  readonly decodeDoneTokens: number;
  readonly decodeMaxTokens: number;
  readonly numPreemptions: number;
  readonly scheduleKind?: ScheduleKind;
  readonly finishStatus?: FinishStatus;
}

export type ApiEventName =
  | 'api.ARRIVED'
  | 'api.HANDOFF_TO_CORE'
  | 'api.FIRST_RESPONSE_FROM_CORE'
  | 'api.DEPARTED'
  | 'api.ABORTED';

/** One `api.*` event on a request's `llm_request` span (spec C.3). */
export interface ApiEventRecord {
  readonly name: ApiEventName;
  readonly timeNs: number;
  /** Only on api.ABORTED: why (client_disconnect, ...) and the message. */
  readonly reason?: string;
  readonly error?: string;
}

export type ApiEndpoint = 'chat' | 'completions';

/** What the API span needs to know about a traced request (spec C.2). */
export interface TracedRequest {
  /** Dense index of the request within the run; the key of every later call. */
  readonly index: number;
  /** API request id (`chatcmpl-…` / `cmpl-…`), on `llm_request`. */
  readonly apiRequestId: string;
  /** Engine request id (`<api id>-<8 hex>`), on `llm_core`. */
  readonly engineRequestId: string;
  readonly endpoint: ApiEndpoint;
  readonly stream: boolean;
  readonly model: string;
  readonly promptTokens: number;
  readonly maxTokens: number;
  readonly temperature?: number;
  readonly topP?: number;
}

/** `step.BATCH_SUMMARY` (spec C.5): all 16 attributes. */
export interface BatchSummaryRecord {
  readonly step: number;
  readonly tsStartNs: number;
  readonly tsEndNs: number;
  readonly durationUs: number;
  readonly runningDepth: number;
  readonly waitingDepth: number;
  readonly numPrefillReqs: number;
  readonly numDecodeReqs: number;
  readonly prefillTokens: number;
  readonly decodeTokens: number;
  readonly scheduledTokens: number;
  readonly numFinished: number;
  readonly numPreempted: number;
  readonly kvUsageRatio: number;
  readonly kvBlocksTotal: number;
  readonly kvBlocksFree: number;
}

/** `step.REQUEST_SNAPSHOT` (spec C.5): one per request in `running`, in list order. */
export interface RequestSnapshotRecord {
  readonly step: number;
  readonly engineRequestId: string;
  readonly phase: 'PREFILL' | 'DECODE';
  readonly numPromptTokens: number;
  readonly numComputedTokens: number;
  readonly numOutputTokens: number;
  readonly numPreemptions: number;
  readonly scheduledTokensThisStep: number;
  readonly kvBlocksAllocated: number;
  readonly kvBlocksCached: number;
  /** Present iff 0 <= num_cached_tokens < num_prompt_tokens. */
  readonly effectivePromptLen?: number;
}

/**
 * Reported for every `schedule()` call while step tracing is on, sampled or not: the span-window
 * closure rule (spec C.6) counts every step. `summary` is present iff the step was sampled;
 * `snapshots` iff the rich draw passed too.
 */
export interface StepRecord {
  readonly step: number;
  /** When the step's events are emitted (= summary.tsEndNs). */
  readonly timeNs: number;
  readonly summary?: BatchSummaryRecord;
  readonly snapshots?: readonly RequestSnapshotRecord[];
}

/** What a recorder says when it closes: counts, so nothing is lost silently. */
export interface TraceStats {
  readonly spans: number;
  readonly events: number;
  /** Spans an exporter failed to deliver (0 for file output). */
  readonly undeliveredSpans: number;
  readonly messages: readonly string[];
}

/** The simulation's view of tracing. Calls arrive in virtual-time order. */
export interface TraceRecorder {
  /** `llm_request` starts (just before api.ARRIVED). */
  startRequestSpan(request: TracedRequest, timeNs: number): void;
  apiEvent(requestIndex: number, event: ApiEventRecord): void;
  /** `llm_request` ends (at DEPARTED/ABORTED). */
  endRequestSpan(
    requestIndex: number,
    timeNs: number,
    end: { readonly completionTokens?: number; readonly errorMessage?: string },
  ): void;
  /** `llm_core` starts (engine add_request, just before journey.QUEUED). */
  startCoreSpan(requestIndex: number, timeNs: number): void;
  journeyEvent(requestIndex: number, event: JourneyRecord): void;
  /** `llm_core` ends (the request is freed by the engine). */
  endCoreSpan(requestIndex: number, timeNs: number): void;
  step(record: StepRecord): void;
  /** End of run: close the open step span (range end = lastStep) and flush every sink. */
  close(timeNs: number, lastStep: number): Promise<TraceStats>;
}
