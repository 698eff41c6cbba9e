// The workload: explicit requests and the generator, merged into one stream ordered by arrival.
import { z } from 'zod';
import type { RandomStreams } from '../engine/random.js';
import { explicitRequestList, explicitRequests } from './explicit.js';
import { checkGenerator, generateRequests, generatorShape } from './generator.js';
import type { RequestSpec } from './request-spec.js';

/** The keys of `workload:`: the explicit `requests:` list beside the generator's keys. */
export const workloadShape = {
  requests: explicitRequestList.optional(),
  ...generatorShape,
};

/** `workload:` with the generator's cross-field rules; it must have `requests`, `rate` or both. */
export const workloadSchema = z.strictObject(workloadShape).superRefine((value, ctx) => {
  checkGenerator(value, ctx);
  if (value.requests === undefined && value.rate === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: 'a workload needs `requests` (explicit requests), `rate` (a generated workload) or both',
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
 * Every request of the workload in non-decreasing arrival order, lazily (explicit requests first on
 * equal arrivals). Explicit requests take `endpoint`/`stream` defaults from `api:`. Re-iterable.
 */
export function workloadRequests(workload: WorkloadConfig, streams: RandomStreams): Iterable<RequestSpec> {
  const explicit = workload.requests === undefined ? [] : explicitRequests(workload.requests, workload.api);
  const generated = generateRequests(workload, streams);
  return { [Symbol.iterator]: () => mergeByArrival(explicit, generated) };
}

export type { RequestSpec } from './request-spec.js';
export { EOS_TOKEN_ID, FIRST_SYNTHETIC_TOKEN, syntheticToken, syntheticTokens, fillSyntheticTokens } from './tokens.js';
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
export { explicitContentKey, generatedContentKey, prefixGroupKey } from './content-keys.js';
