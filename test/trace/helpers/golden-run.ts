// A hand-written record sequence that touches every span, event kind and optional attribute: three
// traced requests (chat with sampling params, completions with a preemption, chat aborted by the
// client) and twelve steps with closure interval 10. Used by several tests and by the child process
// of the environment-independence test, so it must depend on nothing but its arguments.
import type {
  BatchSummaryRecord,
  JourneyRecord,
  RequestSnapshotRecord,
  TraceRecorder,
  TracedRequest,
} from '../../../src/trace/records.js';
import type { TraceRecorderOptions } from '../../../src/trace/otlp-recorder.js';

export const GOLDEN_INTERVAL = 10;
export const GOLDEN_LAST_STEP = 12;
export const GOLDEN_END_NS = 100_000_000;

export const REQUESTS: readonly TracedRequest[] = [
  {
    index: 0,
    apiRequestId: 'chatcmpl-0000',
    engineRequestId: 'chatcmpl-0000-1a2b3c4d',
    endpoint: 'chat',
    stream: true,
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    promptTokens: 80,
    maxTokens: 3,
    temperature: 1,
    topP: 0.9,
  },
  {
    index: 1,
    apiRequestId: 'cmpl-0001',
    engineRequestId: 'cmpl-0001-5e6f7a8b',
    endpoint: 'completions',
    stream: false,
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    promptTokens: 40,
    maxTokens: 2,
  },
  {
    index: 2,
    apiRequestId: 'chatcmpl-0002',
    engineRequestId: 'chatcmpl-0002-9c0d1e2f',
    endpoint: 'chat',
    stream: true,
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    promptTokens: 16,
    maxTokens: 8,
  },
];

type JourneyPart = Pick<JourneyRecord, 'type' | 'timeNs' | 'step' | 'phase'> & Partial<JourneyRecord>;

function journey(request: TracedRequest, part: JourneyPart): JourneyRecord {
  return {
    prefillDoneTokens: 0,
    prefillTotalTokens: request.promptTokens,
    decodeDoneTokens: 0,
    decodeMaxTokens: request.maxTokens,
    numPreemptions: 0,
    ...part,
  };
}

export function summary(step: number, tsEndNs: number, part: Partial<BatchSummaryRecord> = {}): BatchSummaryRecord {
  return {
    step,
    tsStartNs: tsEndNs - 12_000,
    tsEndNs,
    durationUs: 12,
    runningDepth: 0,
    waitingDepth: 0,
    numPrefillReqs: 0,
    numDecodeReqs: 0,
    prefillTokens: 0,
    decodeTokens: 0,
    scheduledTokens: 0,
    numFinished: 0,
    numPreempted: 0,
    kvUsageRatio: 0,
    kvBlocksTotal: 10,
    kvBlocksFree: 10,
    ...part,
  };
}

export function snapshot(step: number, request: TracedRequest, part: Partial<RequestSnapshotRecord> = {}): RequestSnapshotRecord {
  return {
    step,
    engineRequestId: request.engineRequestId,
    phase: 'PREFILL',
    numPromptTokens: request.promptTokens,
    numComputedTokens: 0,
    numOutputTokens: 0,
    numPreemptions: 0,
    scheduledTokensThisStep: request.promptTokens,
    kvBlocksAllocated: 5,
    kvBlocksCached: 0,
    ...part,
  };
}

/** Drives `recorder` through the golden run and closes it. */
export async function driveGoldenRun(recorder: TraceRecorder): Promise<void> {
  const [a, b, c] = REQUESTS as [TracedRequest, TracedRequest, TracedRequest];

  recorder.startRequestSpan(a, 1_000);
  recorder.apiEvent(0, { name: 'api.ARRIVED', timeNs: 1_000 });
  recorder.apiEvent(0, { name: 'api.HANDOFF_TO_CORE', timeNs: 2_000 });
  recorder.startCoreSpan(0, 3_000);
  recorder.journeyEvent(0, journey(a, { type: 'QUEUED', timeNs: 3_000, step: 0, phase: 'WAITING' }));
  recorder.startRequestSpan(b, 5_000);
  recorder.apiEvent(1, { name: 'api.ARRIVED', timeNs: 5_000 });
  recorder.startCoreSpan(1, 6_000);
  recorder.journeyEvent(1, journey(b, { type: 'QUEUED', timeNs: 6_000, step: 0, phase: 'WAITING' }));

  // Step 1: both admitted; a full summary with one snapshot lacking effective_prompt_len.
  recorder.journeyEvent(0, journey(a, { type: 'SCHEDULED', timeNs: 990_000, step: 1, phase: 'PREFILL', scheduleKind: 'FIRST' }));
  recorder.journeyEvent(1, journey(b, { type: 'SCHEDULED', timeNs: 995_000, step: 1, phase: 'PREFILL', scheduleKind: 'FIRST' }));
  recorder.step({
    step: 1,
    timeNs: 1_000_000,
    summary: summary(1, 1_000_000, {
      runningDepth: 2, numPrefillReqs: 2, prefillTokens: 100, scheduledTokens: 100, kvUsageRatio: 0.7, kvBlocksFree: 3,
    }),
    snapshots: [
      snapshot(1, a, { effectivePromptLen: 80, scheduledTokensThisStep: 80 }),
      snapshot(1, b, { scheduledTokensThisStep: 20, kvBlocksAllocated: 2 }),
    ],
  });
  recorder.journeyEvent(0, journey(a, {
    type: 'FIRST_TOKEN', timeNs: 20_000_000, step: 1, phase: 'DECODE', prefillDoneTokens: 80, decodeDoneTokens: 1,
  }));
  recorder.apiEvent(0, { name: 'api.FIRST_RESPONSE_FROM_CORE', timeNs: 20_500_000 });

  // Step 2: b is preempted; the KV cache is full (usage exactly 1.0).
  recorder.journeyEvent(1, journey(b, {
    type: 'PREEMPTED', timeNs: 20_990_000, step: 2, phase: 'PREFILL', prefillDoneTokens: 20, numPreemptions: 1,
  }));
  recorder.step({
    step: 2,
    timeNs: 21_000_000,
    summary: summary(2, 21_000_000, {
      runningDepth: 1, waitingDepth: 1, numDecodeReqs: 1, decodeTokens: 1, scheduledTokens: 1, numPreempted: 1,
      kvUsageRatio: 1, kvBlocksFree: 0,
    }),
  });

  // c arrives and its client disconnects before it is scheduled.
  recorder.startRequestSpan(c, 22_000_000);
  recorder.apiEvent(2, { name: 'api.ARRIVED', timeNs: 22_000_000 });
  recorder.apiEvent(2, { name: 'api.HANDOFF_TO_CORE', timeNs: 22_001_000 });
  recorder.startCoreSpan(2, 22_002_000);
  recorder.journeyEvent(2, journey(c, { type: 'QUEUED', timeNs: 22_002_000, step: 2, phase: 'WAITING' }));
  recorder.apiEvent(2, { name: 'api.ABORTED', timeNs: 30_000_000, reason: 'client_disconnect', error: 'Client disconnected' });
  recorder.endRequestSpan(2, 30_000_000, { errorMessage: 'Client disconnected' });
  recorder.journeyEvent(2, journey(c, { type: 'FINISHED', timeNs: 31_000_000, step: 2, phase: 'PREFILL', finishStatus: 'aborted' }));
  recorder.endCoreSpan(2, 31_000_000);

  // Step 3: b resumes.
  recorder.journeyEvent(1, journey(b, {
    type: 'SCHEDULED', timeNs: 39_990_000, step: 3, phase: 'PREFILL', prefillDoneTokens: 20, numPreemptions: 1, scheduleKind: 'RESUME',
  }));
  recorder.step({ step: 3, timeNs: 40_000_000, summary: summary(3, 40_000_000, { kvUsageRatio: 0.5, kvBlocksFree: 5 }) });
  recorder.journeyEvent(0, journey(a, {
    type: 'FINISHED', timeNs: 50_000_000, step: 3, phase: 'DECODE', prefillDoneTokens: 80, decodeDoneTokens: 2, finishStatus: 'stopped',
  }));
  recorder.endCoreSpan(0, 50_000_000);
  recorder.journeyEvent(1, journey(b, {
    type: 'FIRST_TOKEN', timeNs: 50_000_000, step: 3, phase: 'DECODE', prefillDoneTokens: 40, decodeDoneTokens: 1, numPreemptions: 1,
  }));
  recorder.apiEvent(0, { name: 'api.DEPARTED', timeNs: 51_000_000 });
  recorder.endRequestSpan(0, 51_000_000, { completionTokens: 2 });

  // Steps 4..12: only 4 and 12 sampled, so the window closes at step 10 and the second stays open.
  for (let step = 4; step <= GOLDEN_LAST_STEP; step++) {
    const timeNs = 60_000_000 + step * 1_000_000;
    const sampled = step === 4 || step === GOLDEN_LAST_STEP;
    recorder.step({ step, timeNs, ...(sampled ? { summary: summary(step, timeNs) } : {}) });
    if (step === 6) {
      recorder.journeyEvent(1, journey(b, {
        type: 'FINISHED', timeNs: 66_500_000, step: 6, phase: 'DECODE', prefillDoneTokens: 40, decodeDoneTokens: 2,
        numPreemptions: 1, finishStatus: 'length',
      }));
      recorder.endCoreSpan(1, 66_500_000);
      recorder.apiEvent(1, { name: 'api.DEPARTED', timeNs: 67_000_000 });
      recorder.endRequestSpan(1, 67_000_000, { completionTokens: 2 });
    }
  }
  await recorder.close(GOLDEN_END_NS, GOLDEN_LAST_STEP);
}

/** The recorder settings every golden-run file is written with (in-process and in child processes). */
export function goldenRecorderOptions(sinks: TraceRecorderOptions['sinks']): TraceRecorderOptions {
  return {
    seed: 42,
    serviceName: 'vllm',
    resourceAttributes: { 'simtrace.scenario': 'golden', 'simtrace.seed': 42 },
    stepClosureInterval: GOLDEN_INTERVAL,
    stepTracing: true,
    sinks,
  };
}
