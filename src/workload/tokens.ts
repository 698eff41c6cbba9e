// The simulated model's tokens. Synthetic token ids live in tokens/synthetic.ts (re-exported here
// for the workload's users); this file adds what the model samples: EOS at a planned stop,
// otherwise the request's content continued after its prompt.

import type { RequestSpec } from './request-spec.js';
import { syntheticToken } from '../tokens/synthetic.js';

export { FIRST_SYNTHETIC_TOKEN, syntheticToken } from '../tokens/synthetic.js';

/** The end-of-sequence token id of simulated models (vLLM's tests use 50256 for GPT-2). */
export const EOS_TOKEN_ID = 2;

/**
 * The output count at which the simulated model samples EOS: the planned output length when it
 * stops before max_tokens, else -1 (never; the length cap ends the request).
 */
export function plannedEosCount(spec: RequestSpec): number {
  const planned = spec.outputTokens;
  return planned !== undefined && planned < spec.maxTokens ? planned : -1;
}

/**
 * The token the simulated model samples after `numOutputTokens` outputs: EOS when that makes
 * `eosCount` outputs, otherwise the content's own next token. Outputs continue the request's own
 * content after the prompt, so a later turn that quotes them shares blocks with this request and
 * with nothing else.
 */
export function modelOutputToken(eosCount: number, contentKey: number, promptLength: number, numOutputTokens: number): number {
  if (numOutputTokens + 1 === eosCount) return EOS_TOKEN_ID;
  return syntheticToken(contentKey, promptLength + numOutputTokens);
}
