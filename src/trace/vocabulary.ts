// vLLM's tracing vocabulary (spec C.2-C.5), in one place: span and event names, attribute keys in the
// order vLLM sets them, and which numeric attributes are doubles. OTEL JS keeps only a JS number per
// attribute, so "is this a double?" cannot be read back from the value (0.0 and 0 are the same number);
// the encoders ask `attributeKind`, which answers from the key.
import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type {
  ApiEventRecord,
  BatchSummaryRecord,
  JourneyEventType,
  JourneyRecord,
  RequestSnapshotRecord,
  TracedRequest,
} from './records.js';

export const SCOPE_API = 'vllm.api';
export const SCOPE_SCHEDULER = 'vllm.scheduler';
export const SCOPE_STEP = 'vllm.scheduler.step';

export const SPAN_REQUEST = 'llm_request';
export const SPAN_CORE = 'llm_core';
export const stepSpanName = (sequence: number): string => `scheduler_steps_${sequence}`;

/**
 * `journey.<TYPE>` as constants rather than built per event: the JSON encoder looks event names up in
 * a map, and a string built anew must be flattened and hashed on every lookup.
 */
const JOURNEY_EVENT_NAMES: Readonly<Record<JourneyEventType, string>> = {
  QUEUED: 'journey.QUEUED',
  SCHEDULED: 'journey.SCHEDULED',
  FIRST_TOKEN: 'journey.FIRST_TOKEN',
  PREEMPTED: 'journey.PREEMPTED',
  FINISHED: 'journey.FINISHED',
};

export const journeyEventName = (type: JourneyEventType): string => JOURNEY_EVENT_NAMES[type];

/** Python floats in vLLM's code: these stay doubles on the wire even when whole-valued. */
export const DOUBLE_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set([
  'ts.monotonic',
  'event.ts.monotonic',
  'kv.usage_gpu_ratio',
  'gen_ai.request.temperature',
  'gen_ai.request.top_p',
]);

export type AttributeKind = 'string' | 'int' | 'double' | 'bool';

/** The OTLP AnyValue field for one attribute; undefined for values vLLM never emits (arrays). */
export function attributeKind(key: string, value: AttributeValue | undefined): AttributeKind | undefined {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      // A non-integral number under an "int" key is a caller bug, and integers beyond 2^53 are not
      // exact in JS: emit either faithfully as a double rather than round it.
      return DOUBLE_ATTRIBUTE_KEYS.has(key) || !Number.isSafeInteger(value) ? 'double' : 'int';
    default:
      return undefined;
  }
}

const ROUTES = { chat: '/v1/chat/completions', completions: '/v1/completions' } as const;

/** `llm_request` attributes known at span start, in vLLM's set_attribute order. */
export function requestSpanAttributes(request: TracedRequest): Attributes {
  const attributes: Attributes = {
    'gen_ai.request.id': request.apiRequestId,
    'http.route': ROUTES[request.endpoint],
    'gen_ai.response.model': request.model,
    'gen_ai.usage.prompt_tokens': request.promptTokens,
  };
  if (request.temperature !== undefined) attributes['gen_ai.request.temperature'] = request.temperature;
  if (request.topP !== undefined) attributes['gen_ai.request.top_p'] = request.topP;
  attributes['gen_ai.request.max_tokens'] = request.maxTokens;
  attributes['gen_ai.request.n'] = 1;
  return attributes;
}

/** `api.*` event attributes; reason/error only on ABORTED, and only when given. */
export function apiEventAttributes(event: ApiEventRecord): Attributes {
  const attributes: Attributes = { 'event.ts.monotonic': event.timeNs / 1e9 };
  if (event.name === 'api.ABORTED') {
    if (event.reason) attributes['reason'] = event.reason;
    if (event.error) attributes['error'] = event.error;
  }
  return attributes;
}

/** `journey.<TYPE>` attributes in the fork's dict order (scheduler.py `_emit_journey_event`). */
export function journeyAttributes(event: JourneyRecord): Attributes {
  const attributes: Attributes = {
    'event.type': event.type,
    // One clock reading, two views: vLLM derives the float from the int (ns / 1e9).
    'ts.monotonic': event.timeNs / 1e9,
    'ts.monotonic_ns': event.timeNs,
    'scheduler.step': event.step,
    phase: event.phase,
    'prefill.done_tokens': event.prefillDoneTokens,
    'prefill.total_tokens': event.prefillTotalTokens,
    'decode.done_tokens': event.decodeDoneTokens,
    'decode.max_tokens': event.decodeMaxTokens,
    num_preemptions: event.numPreemptions,
  };
  if (event.scheduleKind !== undefined) attributes['schedule.kind'] = event.scheduleKind;
  if (event.finishStatus !== undefined) attributes['finish.status'] = event.finishStatus;
  return attributes;
}

/** `step.BATCH_SUMMARY`: the 16 attributes in the fork's order (`_emit_step_batch_summary`). */
export function batchSummaryAttributes(summary: BatchSummaryRecord): Attributes {
  return {
    'step.id': summary.step,
    'step.ts_start_ns': summary.tsStartNs,
    'step.ts_end_ns': summary.tsEndNs,
    'step.duration_us': summary.durationUs,
    'queue.running_depth': summary.runningDepth,
    'queue.waiting_depth': summary.waitingDepth,
    'batch.num_prefill_reqs': summary.numPrefillReqs,
    'batch.num_decode_reqs': summary.numDecodeReqs,
    'batch.scheduled_tokens': summary.scheduledTokens,
    'batch.prefill_tokens': summary.prefillTokens,
    'batch.decode_tokens': summary.decodeTokens,
    'batch.num_finished': summary.numFinished,
    'batch.num_preempted': summary.numPreempted,
    'kv.usage_gpu_ratio': summary.kvUsageRatio,
    'kv.blocks_total_gpu': summary.kvBlocksTotal,
    'kv.blocks_free_gpu': summary.kvBlocksFree,
  };
}

/** `step.REQUEST_SNAPSHOT` in the fork's order; effective_prompt_len only when present. */
export function snapshotAttributes(snapshot: RequestSnapshotRecord): Attributes {
  const attributes: Attributes = {
    'step.id': snapshot.step,
    'request.id': snapshot.engineRequestId,
    'request.phase': snapshot.phase,
    'request.num_prompt_tokens': snapshot.numPromptTokens,
    'request.num_computed_tokens': snapshot.numComputedTokens,
    'request.num_output_tokens': snapshot.numOutputTokens,
    'request.num_preemptions': snapshot.numPreemptions,
    'request.scheduled_tokens_this_step': snapshot.scheduledTokensThisStep,
    'kv.blocks_allocated_gpu': snapshot.kvBlocksAllocated,
    'kv.blocks_cached_gpu': snapshot.kvBlocksCached,
  };
  if (snapshot.effectivePromptLen !== undefined) {
    attributes['request.effective_prompt_len'] = snapshot.effectivePromptLen;
  }
  return attributes;
}
