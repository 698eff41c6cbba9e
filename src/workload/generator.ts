// The synthetic workload generator: keys under `workload:` beside the explicit `requests:` list.
//
//   workload:
//     rate: 20                      # req/s; turns the generator on
//     arrival: {process: gamma, cv: 2}     # default poisson (see arrivals.ts)
//     count: 5000                   # stop after this many requests ...
//     duration: 5m                  # ... and/or at start + duration (arrivals in [start, start+duration))
//     start: 10s                    # default 0
//     prompt_tokens: {dist: lognormal, mean: 800, stddev: 400, max: 3000}   (see distributions.ts)
//     max_tokens: 256
//     output_tokens: {dist: uniform, min: 16, max: 300}   # optional: EOS after this many tokens
//     prefix: {groups: 4, tokens: 512, fraction: 0.8}    # shared system prompts, before prompt_tokens
//     priority: {values: [0, 1], weights: [1, 9]}        # or an int; default 0
//     api: {endpoint: chat, stream: true}                # the defaults; explicit requests inherit them
//
// A generated prompt is laid out as
//
//   |<-- prefix.tokens (group g's content) -->|<-- prompt_tokens (this request's content) -->|
//
// where the prefix part is present with probability `fraction` and the group is uniform over
// `groups`. Both parts are synthetic tokens at their absolute positions, so same-group prompts share
// their first `prefix.tokens` tokens (and every full block inside them) and nothing else.
//
// Each concern draws from its own named stream, so changing one knob never moves another's draws:
// 'arrivals'; 'lengths.prompt_tokens', 'lengths.max_tokens', 'lengths.output_tokens'; 'prefix'
// (two draws per request, whatever the settings); 'priority' (one draw per request when weighted).
import { z } from 'zod';
import type { RandomStream, RandomStreams } from '../engine/random.js';
import { derivedStream } from '../engine/random.js';
import { secondsToNs } from '../engine/time.js';
import { count, nonNegativeDuration, positiveCount, positiveDuration, positiveRate, probability } from '../scenario/units.js';
import { arrivalProcess, makeArrivalTimes } from './arrivals.js';
import { generatedContentKey, MAX_PREFIX_GROUPS, prefixGroupKey } from './content-keys.js';
import type { LengthDistribution } from './distributions.js';
import { checkWeights, lengthDistribution, makeLengthSampler, weight } from './distributions.js';
import type { RequestSpec } from './request-spec.js';
import { makeWeightedPicker } from './variates.js';
import { TokenContent } from '../tokens/token-content.js';

export const apiEndpoint = z.enum(['chat', 'completions']);

/** `api:` — the endpoint and streaming mode requests are sent with. */
export const apiSchema = z.strictObject({
  endpoint: apiEndpoint.default('chat'),
  stream: z.boolean().default(true),
});

/** `prefix:` — shared prompt prefixes (system prompts, few-shot examples). */
export const prefixSchema = z.strictObject({
  groups: positiveCount.max(MAX_PREFIX_GROUPS),
  tokens: positiveCount,
  fraction: probability.default(1),
});

/** `priority:` — an int, or `{values: [ints], weights?: [numbers]}` picked per request. */
export const prioritySchema = z.union([
  z.number().int(),
  z.strictObject({ values: z.array(z.number().int()).min(1), weights: z.array(weight).optional() }).superRefine(checkWeights),
]);

/**
 * The generator's keys, all optional, to be spread into the `workload:` object schema beside
 * `requests:`. Apply `checkGenerator` to the merged object as a refinement (see `generatorSchema`).
 */
export const generatorShape = {
  rate: positiveRate.optional(),
  arrival: arrivalProcess.default({ process: 'poisson' }),
  count: count.optional(),
  duration: positiveDuration.optional(),
  prompt_tokens: lengthDistribution.optional(),
  max_tokens: lengthDistribution.optional(),
  output_tokens: lengthDistribution.optional(),
  prefix: prefixSchema.optional(),
  priority: prioritySchema.optional(),
  api: apiSchema.default({ endpoint: 'chat', stream: true }),
  start: nonNegativeDuration.default(0),
};

const generatorObject = z.strictObject(generatorShape);
type GeneratorFields = z.output<typeof generatorObject>;

/** Keys that only mean something when `rate` (or `closed_loop`) turns the generator on. */
const RATE_DEPENDENT_KEYS = [
  'count',
  'duration',
  'prompt_tokens',
  'max_tokens',
  'output_tokens',
  'prefix',
  'priority',
  'sessions',
] as const;

/** The generator's fields plus the session keys that workload/index.ts adds beside them (sessions.ts). */
type CheckedFields = GeneratorFields & { readonly sessions?: unknown; readonly closed_loop?: unknown };

/**
 * The cross-field rules of the generator keys (a zod superRefine body, paths relative to the
 * `workload:` object). The generator runs open-loop at `rate` or closed-loop with `closed_loop`
 * users (sessions.ts), never both. When it runs, `prompt_tokens` and `max_tokens` are required, and
 * `count` and/or `duration`; when it does not, none of the keys above may be given (`arrival`,
 * `api` and `start` have defaults and cannot be told apart from absent ones here; `api` also
 * applies to explicit requests).
 */
export function checkGenerator(value: CheckedFields, ctx: z.core.$RefinementCtx): void {
  if (value.rate !== undefined && value.closed_loop !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['closed_loop'], message: 'give `rate` (open loop) or `closed_loop` (a fixed number of users), not both' });
    return;
  }
  const driver = value.rate !== undefined ? 'rate' : value.closed_loop !== undefined ? 'closed_loop' : undefined;
  if (driver === undefined) {
    for (const key of RATE_DEPENDENT_KEYS) {
      if (value[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `\`${key}\` configures the generator and needs \`rate\` or \`closed_loop\`` });
      }
    }
    return;
  }
  for (const key of ['prompt_tokens', 'max_tokens'] as const) {
    if (value[key] === undefined) {
      ctx.addIssue({ code: 'custom', path: [key], message: `\`${key}\` is required when \`${driver}\` is given` });
    }
  }
  if (value.count === undefined && value.duration === undefined) {
    ctx.addIssue({ code: 'custom', path: [driver], message: 'a generated workload needs `count`, `duration` or both' });
  }
}

/** The generator keys on their own (strict), with `checkGenerator` applied. */
export const generatorSchema = generatorObject.superRefine(checkGenerator);

export type GeneratorConfig = z.output<typeof generatorSchema>;

/** One request's draws, each from its own named stream (the arrival time is drawn separately). */
export interface RequestDraws {
  readonly promptTokens: () => number;
  readonly maxTokens: () => number;
  readonly outputTokens: (() => number) | undefined;
  readonly priority: () => number;
  /** The prefix group of the next request, or -1 for none. */
  readonly prefixGroup: () => number;
}

function makePrefixDraw(prefix: GeneratorConfig['prefix'], stream: RandomStream): () => number {
  if (prefix === undefined) return () => -1;
  const { groups, fraction } = prefix;
  return () => {
    // Always two draws, so changing `fraction` never changes which group later requests get.
    const included = stream.next() < fraction;
    const group = Math.min(groups - 1, Math.floor(stream.next() * groups));
    return included ? group : -1;
  };
}

function makePriorityDraw(priority: GeneratorConfig['priority'], stream: RandomStream): () => number {
  if (priority === undefined) return () => 0;
  if (typeof priority === 'number') return () => priority;
  return makeWeightedPicker(priority.values, priority.weights, stream);
}

/** A configuration that passed `checkGenerator` with `prompt_tokens` and `max_tokens` given. */
export interface GeneratorPlan {
  readonly config: GeneratorConfig;
  readonly prompt: LengthDistribution;
  readonly max: LengthDistribution;
}

/** The per-request draws of `plan`, with `stream(name)` supplying the named streams. */
export function makeRequestDraws({ config, prompt, max }: GeneratorPlan, stream: (name: string) => RandomStream): RequestDraws {
  const output = config.output_tokens;
  return {
    promptTokens: makeLengthSampler(prompt, stream('lengths.prompt_tokens')),
    maxTokens: makeLengthSampler(max, stream('lengths.max_tokens')),
    outputTokens: output === undefined ? undefined : makeLengthSampler(output, stream('lengths.output_tokens')),
    priority: makePriorityDraw(config.priority, stream('priority')),
    prefixGroup: makePrefixDraw(config.prefix, stream('prefix')),
  };
}

/**
 * A generated prompt: the prefix group's content (when `group` >= 0) and then `own` tokens of
 * content `key`, both at their absolute positions.
 */
export function generatedPrompt(prefixTokens: number, group: number, own: number, key: number): TokenContent {
  const shared = group < 0 ? 0 : prefixTokens;
  const ownPart = TokenContent.run(key, shared, own);
  return shared === 0 ? ownPart : TokenContent.concat([TokenContent.run(prefixGroupKey(group), 0, shared), ownPart]);
}

function* generate(plan: GeneratorPlan, rate: number, seed: number): Generator<RequestSpec, void, undefined> {
  const { config } = plan;
  const stream = (name: string): RandomStream => derivedStream(seed, name);
  const arrivalNsOf = makeArrivalTimes(config.arrival, rate, config.start, stream('arrivals'));
  const draws = makeRequestDraws(plan, stream);
  const limit = config.count ?? Infinity;
  const endNs = config.duration === undefined ? Infinity : secondsToNs(config.start + config.duration);
  const prefixTokens = config.prefix?.tokens ?? 0;
  const { endpoint, stream: streaming } = config.api;
  for (let sequence = 0; sequence < limit; sequence++) {
    const arrivalNs = arrivalNsOf();
    if (arrivalNs >= endNs) return;
    const group = draws.prefixGroup();
    const own = draws.promptTokens();
    const key = generatedContentKey(sequence);
    const prompt = generatedPrompt(prefixTokens, group, own, key);
    const maxTokens = draws.maxTokens();
    const outputTokens = draws.outputTokens?.();
    const priority = draws.priority();
    // Two literals rather than a spread of the optional field: a spread builds each spec through a
    // generic copy, a few percent of a run that generates a million requests (issue 9).
    yield outputTokens === undefined
      ? { arrivalNs, prompt, maxTokens, priority, endpoint, stream: streaming, contentKey: key, privateContent: true }
      : { arrivalNs, prompt, maxTokens, outputTokens, priority, endpoint, stream: streaming, contentKey: key, privateContent: true };
  }
}

/** The plan of a configuration that passed `checkGenerator`; undefined when the generator is off. */
export function generatorPlan(config: GeneratorConfig & { readonly closed_loop?: unknown }): GeneratorPlan | undefined {
  const { prompt_tokens: prompt, max_tokens: max } = config;
  if (config.rate === undefined && config.closed_loop === undefined) return undefined;
  if (prompt === undefined || max === undefined || (config.count === undefined && config.duration === undefined)) {
    throw new Error('generator: `rate` needs `prompt_tokens`, `max_tokens` and `count` or `duration` (see checkGenerator)');
  }
  return { config, prompt, max };
}

/**
 * The generated requests, lazily and in non-decreasing arrival order; empty when `rate` is absent.
 * Re-iterable: each iteration starts fresh streams derived from `streams.seed`, so every pass yields
 * the same requests (the shared stream objects of `streams` are not consumed).
 */
export function generateRequests(config: GeneratorConfig, streams: RandomStreams): Iterable<RequestSpec> {
  const plan = generatorPlan(config);
  const rate = config.rate;
  if (plan === undefined || rate === undefined) return [];
  const seed = streams.seed;
  return { [Symbol.iterator]: () => generate(plan, rate, seed) };
}
