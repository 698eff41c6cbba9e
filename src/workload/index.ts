// The workload: explicit requests, the generator (open loop, multi-turn sessions or closed-loop
// users) and a replayed trace, merged into one stream ordered by arrival.
import { z } from 'zod';
import type { RandomStreams } from '../engine/random.js';
import { explicitRequestList, explicitRequests } from './explicit.js';
import { checkGenerator, generateRequests, generatorPlan, generatorShape } from './generator.js';
import type { RequestSpec } from './request-spec.js';
import { closedLoopSchema, sessionRequests, sessionsSchema } from './sessions.js';
import { openTrace, traceSchema } from './trace/index.js';

/** The keys of `workload:`: the explicit `requests:` list, the generator's keys, sessions, a trace. */
export const workloadShape = {
  requests: explicitRequestList.optional(),
  ...generatorShape,
  sessions: sessionsSchema.optional(),
  closed_loop: closedLoopSchema.optional(),
  trace: traceSchema.optional(),
};

/** `workload:` with the generator's cross-field rules; it must have at least one source. */
export const workloadSchema = z.strictObject(workloadShape).superRefine((value, ctx) => {
  checkGenerator(value, ctx);
  if (value.requests === undefined && value.rate === undefined && value.closed_loop === undefined && value.trace === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: 'a workload needs `requests` (explicit requests), `rate` or `closed_loop` (a generated workload), `trace` (a replayed trace file), or several',
    });
  }
});

export type WorkloadConfig = z.output<typeof workloadSchema>;

/** Merges two arrival-ordered sources lazily; on equal arrivals `first` goes first. */
function* mergeByArrival(first: Iterable<RequestSpec>, second: Iterable<RequestSpec>): Generator<RequestSpec, void, undefined> {
  const a = first[Symbol.iterator]();
  const b = second[Symbol.iterator]();
  let x = a.next();
  let y = b.next();
  while (!x.done && !y.done) {
    if (y.value.arrivalNs < x.value.arrivalNs) {
      yield y.value;
      y = b.next();
    } else {
      yield x.value;
      x = a.next();
    }
  }
  for (; !x.done; x = a.next()) yield x.value;
  for (; !y.done; y = b.next()) yield y.value;
}

/**
 * `mergeByArrival(first, second)`, or the other source itself when one is an empty list (no
 * explicit requests, no trace: the usual case). Each merge costs a generator resume and a result
 * object per request, for every request of the run (issue 9).
 */
function merged(first: Iterable<RequestSpec>, second: Iterable<RequestSpec>): Iterable<RequestSpec> {
  if (Array.isArray(second) && second.length === 0) return first;
  if (Array.isArray(first) && first.length === 0) return second;
  return mergeByArrival(first, second);
}

/**
 * The workload as the simulation pulls it: every request in non-decreasing arrival order, lazily
 * (on equal arrivals: explicit, generated, then trace requests). Explicit requests take
 * `endpoint`/`stream` defaults from `api:`. A trace's path is relative to `baseDir` (the scenario's
 * folder); the trace is opened here, so a missing file or a wrong format is reported when the
 * scenario loads, while its rows stream during the run. Each call of the result starts over.
 */
/** The workload as a re-startable stream, plus what reading it had to say (skipped trace rows). */
export type WorkloadSource = ((streams: RandomStreams) => Iterable<RequestSpec>) & { readonly notes: () => readonly string[] };

export function prepareWorkload(workload: WorkloadConfig, baseDir = '.'): WorkloadSource {
  const trace = workload.trace === undefined ? undefined : openTrace(workload.trace, baseDir);
  const source = (streams: RandomStreams): Iterable<RequestSpec> => {
    const explicit = workload.requests === undefined ? [] : explicitRequests(workload.requests, workload.api);
    const plan = generatorPlan(workload);
    const generated =
      plan !== undefined && (workload.sessions !== undefined || workload.closed_loop !== undefined)
        ? sessionRequests(plan, workload, streams.seed)
        : generateRequests(workload, streams);
    const replayed = trace === undefined ? [] : trace.requests(streams.seed);
    return { [Symbol.iterator]: () => merged(merged(explicit, generated), replayed)[Symbol.iterator]() };
  };
  return Object.assign(source, { notes: () => trace?.badRows?.report() ?? [] });
}

/** Every request of the workload in arrival order, lazily (see prepareWorkload). Re-iterable. */
export function workloadRequests(workload: WorkloadConfig, streams: RandomStreams, baseDir = '.'): Iterable<RequestSpec> {
  return prepareWorkload(workload, baseDir)(streams);
}

export type { RequestOutcome, RequestSpec } from './request-spec.js';
export { EOS_TOKEN_ID, FIRST_SYNTHETIC_TOKEN, syntheticToken } from './tokens.js';
export { TokenContent } from '../tokens/token-content.js';
export { arrivalProcess, makeArrivalTimes, type ArrivalProcess } from './arrivals.js';
export { lengthDistribution, makeLengthSampler, lognormalParameters, type LengthDistribution } from './distributions.js';
export {
  apiSchema,
  checkGenerator,
  generateRequests,
  generatorSchema,
  generatorShape,
  prefixSchema,
  prioritySchema,
  type GeneratorConfig,
} from './generator.js';
export { explicitRequestList, explicitRequestSchema, explicitRequests, type ExplicitRequest } from './explicit.js';
export {
  explicitContentKey,
  generatedContentKey,
  prefixGroupKey,
  sessionContentKey,
  traceBlockKey,
  traceContentKey,
  traceGroupKey,
} from './content-keys.js';
export { closedLoopSchema, nextTurnPrompt, sessionsSchema } from './sessions.js';
export { durationDistribution, makeDurationSampler, type DurationDistribution } from './durations.js';
export { openTrace, traceSchema, TRACE_FORMATS, type OpenedTrace, type TraceConfig, type TraceFormat } from './trace/index.js';
