// Test factories in the style of vLLM's tests/v1/core/utils.py: create_scheduler with vLLM's test
// defaults (S=16, T=8192, NB=10000, B=16, chunked on, APC off, MML=T; an AsyncScheduler with
// asyncScheduling, as create_scheduler(async_scheduling=True)) and create_requests whose
// request i has prompt [i]*num_tokens, max_tokens 16, EOS 50256, ids "0", "1", ...
import { AsyncScheduler } from '../../src/scheduler/async-scheduler.js';
import { SimRequest } from '../../src/scheduler/request.js';
import { TokenContent } from '../../src/tokens/token-content.js';
import { Scheduler, type SchedulerListener } from '../../src/scheduler/scheduler.js';
import type { SchedulerConfig, SchedulerOutput, StepSampler } from '../../src/scheduler/scheduler-output.js';
import type { JourneyRecord } from '../../src/trace/records.js';

export const TEST_EOS = 50256;

export interface JourneyLogEntry {
  readonly id: string;
  readonly record: JourneyRecord;
}

export function createScheduler(
  overrides: Partial<SchedulerConfig> = {},
  options: { sampler?: StepSampler } = {},
): { scheduler: Scheduler; journey: JourneyLogEntry[]; freed: string[] } {
  const maxNumBatchedTokens = overrides.maxNumBatchedTokens ?? 8192;
  const config: SchedulerConfig = {
    maxNumSeqs: 16,
    maxNumBatchedTokens,
    maxModelLen: maxNumBatchedTokens,
    enableChunkedPrefill: true,
    longPrefillTokenThreshold: 0,
    policy: 'fcfs',
    blockSize: 16,
    numGpuBlocks: 10000,
    enablePrefixCaching: false,
    ...overrides,
  };
  const journey: JourneyLogEntry[] = [];
  const freed: string[] = [];
  const listener: SchedulerListener = {
    journey: (request, record) => journey.push({ id: request.requestId, record }),
    freed: (request) => freed.push(request.requestId),
  };
  const SchedulerClass = config.asyncScheduling === true ? AsyncScheduler : Scheduler;
  return { scheduler: new SchedulerClass(config, listener, options.sampler ?? null), journey, freed };
}

let nextIndex = 0;

export interface RequestOptions {
  numTokens?: number;
  maxTokens?: number;
  samePrompt?: boolean;
  priorities?: readonly number[];
  arrivalTimes?: readonly number[];
  minTokens?: number;
  stopTokenIds?: readonly number[];
  ignoreEos?: boolean;
  skipReadingPrefixCache?: boolean;
  blockSize?: number;
  hashBlocks?: boolean;
  ids?: readonly string[];
}

export function createRequests(numRequests: number, options: RequestOptions = {}): SimRequest[] {
  const numTokens = options.numTokens ?? 10;
  return Array.from({ length: numRequests }, (_, i) => {
    const prompt = new Int32Array(numTokens).fill(options.samePrompt ? 0 : i);
    return makeRequest(prompt, options.ids?.[i] ?? String(i), {
      ...options,
      priority: options.priorities?.[i] ?? 0,
      arrivalTimeNs: options.arrivalTimes?.[i] ?? i,
    });
  });
}

export function makeRequest(
  prompt: Int32Array | TokenContent,
  id: string,
  options: RequestOptions & { priority?: number; arrivalTimeNs?: number } = {},
): SimRequest {
  return new SimRequest(
    {
      index: nextIndex++,
      requestId: id,
      prompt: prompt instanceof TokenContent ? prompt : TokenContent.tokens(prompt),
      maxTokens: options.maxTokens ?? 16,
      arrivalTimeNs: options.arrivalTimeNs ?? 0,
      priority: options.priority ?? 0,
      minTokens: options.minTokens ?? 0,
      stopTokenIds: options.stopTokenIds ?? [],
      ignoreEos: options.ignoreEos ?? false,
      eosTokenId: TEST_EOS,
      traced: true,
      skipReadingPrefixCache: options.skipReadingPrefixCache ?? false,
    },
    options.blockSize ?? 16,
    options.hashBlocks ?? true,
  );
}

/** The scheduled ids and token counts of an output, as vLLM's num_scheduled_tokens dict. */
export function scheduledOf(output: SchedulerOutput): Record<string, number> {
  const out: Record<string, number> = {};
  output.scheduledRequests.forEach((r, k) => (out[r.requestId] = output.scheduledTokens[k]!));
  return out;
}

/** Every request that computed all its known tokens gets token `token` (vLLM's model runner). */
export function constantTokens(token = 1000): (request: SimRequest) => number {
  return () => token;
}

/** Runs steps until no request is left; returns the number of steps. */
export function drain(scheduler: Scheduler, maxSteps = 10_000): number {
  let steps = 0;
  while (scheduler.hasRequests()) {
    const output = scheduler.schedule(steps);
    scheduler.updateFromOutput(output, constantTokens(), steps);
    scheduler.checkInvariants();
    if (++steps > maxSteps) throw new Error('did not finish');
  }
  return steps;
}

/** A sampler that always samples (step tracing rate 1, rich rate 1). */
export const ALWAYS: StepSampler = { sampleSummary: () => true, sampleRich: () => true };
