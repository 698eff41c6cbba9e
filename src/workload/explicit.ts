// The explicit `requests:` list of a scenario (contract section 2):
//
//   requests:
//     - {id: A, arrival: 0, prompt_tokens: 80, max_tokens: 3}
//     - {id: B, arrival: 250ms, prompt: [1001, 1002, 1003], max_tokens: 8, output_tokens: 2,
//        priority: 1, abort_at: 2s, endpoint: completions, stream: false}
//
// `prompt_tokens` gives each request its own synthetic content (no sharing between requests);
// `prompt` gives the token ids themselves, for hand-made prefix-sharing cases.
import { z } from 'zod';
import { secondsToNs } from '../engine/time.js';
import type { ApiEndpoint } from '../trace/records.js';
import { nonNegativeDuration, positiveCount } from '../scenario/units.js';
import { explicitContentKey } from './content-keys.js';
import { apiEndpoint } from './generator.js';
import type { RequestSpec } from './request-spec.js';
import { TokenContent } from '../tokens/token-content.js';

/** A token id as the simulator stores it (Int32Array). */
const tokenId = z.number().int().min(0).max(0x7fffffff);

/** An id is a non-empty string; YAML integers (`id: 7`) are accepted and become strings. */
const requestId = z.union([z.string().min(1), z.number().int().nonnegative().transform(String)]);

export const explicitRequestSchema = z
  .strictObject({
    id: requestId.optional(),
    arrival: nonNegativeDuration,
    prompt_tokens: positiveCount.optional(),
    prompt: z.array(tokenId).min(1).optional(),
    max_tokens: positiveCount,
    output_tokens: positiveCount.optional(),
    priority: z.number().int().default(0),
    abort_at: nonNegativeDuration.optional(),
    endpoint: apiEndpoint.optional(),
    stream: z.boolean().optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.prompt_tokens === undefined) === (value.prompt === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: value.prompt === undefined ? ['prompt_tokens'] : ['prompt'],
        message: 'expected exactly one of `prompt_tokens` (a count) and `prompt` (token ids)',
      });
    }
    if (value.abort_at !== undefined && value.abort_at < value.arrival) {
      ctx.addIssue({ code: 'custom', path: ['abort_at'], message: 'expected `abort_at` >= `arrival`' });
    }
  });

export type ExplicitRequest = z.output<typeof explicitRequestSchema>;

/** The `requests:` list; ids must be unique (the issue points at the later duplicate's `id`). */
export const explicitRequestList = z.array(explicitRequestSchema).superRefine((list, ctx) => {
  const seen = new Map<string, number>();
  list.forEach((request, index) => {
    if (request.id === undefined) return;
    const first = seen.get(request.id);
    if (first === undefined) seen.set(request.id, index);
    else ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate request id "${request.id}" (first at index ${first})` });
  });
});

export interface ApiDefaults {
  readonly endpoint: ApiEndpoint;
  readonly stream: boolean;
}

const DEFAULT_API: ApiDefaults = { endpoint: 'chat', stream: true };

function toSpec(request: ExplicitRequest, index: number, api: ApiDefaults): RequestSpec {
  const contentKey = explicitContentKey(index);
  const prompt =
    request.prompt !== undefined ? TokenContent.tokens(request.prompt) : TokenContent.run(contentKey, 0, request.prompt_tokens ?? 0);
  return {
    ...(request.id === undefined ? {} : { id: request.id }),
    arrivalNs: secondsToNs(request.arrival),
    prompt,
    maxTokens: request.max_tokens,
    ...(request.output_tokens === undefined ? {} : { outputTokens: request.output_tokens }),
    priority: request.priority,
    ...(request.abort_at === undefined ? {} : { abortAtNs: secondsToNs(request.abort_at) }),
    endpoint: request.endpoint ?? api.endpoint,
    stream: request.stream ?? api.stream,
    contentKey,
    privateContent: true,
  };
}

/**
 * The explicit requests as specs, sorted by arrival (stable: equal arrivals keep file order).
 * Requests without `endpoint`/`stream` take them from `api` (the workload's `api:`; chat, streaming).
 */
export function explicitRequests(list: readonly ExplicitRequest[], api: ApiDefaults = DEFAULT_API): RequestSpec[] {
  return list.map((request, index) => toSpec(request, index, api)).sort((a, b) => a.arrivalNs - b.arrivalNs);
}
