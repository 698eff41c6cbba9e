// Synthetic token ids. A workload rarely knows real token ids, but the prefix cache hashes token
// contents, so simtrace synthesizes them: the same (content key, position) always gives the same
// id, and different keys give independent pseudo-random ids in [FIRST_SYNTHETIC_TOKEN, 2^31).
// Two different 16-token blocks agree by chance with probability about 2^-496: never, in practice.

import { newInt32Array } from '../engine/int32-slab.js';
import type { RequestSpec } from './request-spec.js';

/** The end-of-sequence token id of simulated models (vLLM's tests use 50256 for GPT-2). */
export const EOS_TOKEN_ID = 2;
/** Ids below this are reserved (EOS and friends); synthetic ids never fall there. */
export const FIRST_SYNTHETIC_TOKEN = 1000;

const SYNTHETIC_RANGE = 0x7fffffff - FIRST_SYNTHETIC_TOKEN;

/** The token id at `position` of the content identified by `key` (a 32-bit integer). */
export function syntheticToken(key: number, position: number): number {
  let h = Math.imul(key ^ 0x2c1b3c6d, 0x297a2d39) ^ Math.imul(position + 0x6b43a9b5, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return FIRST_SYNTHETIC_TOKEN + ((h >>> 0) % SYNTHETIC_RANGE);
}

/** Writes `length` synthetic tokens of content `key`, from `position` on, into `out` at `offset`. */
export function fillSyntheticTokens(
  out: Int32Array,
  offset: number,
  key: number,
  position: number,
  length: number,
): void {
  for (let i = 0; i < length; i++) out[offset + i] = syntheticToken(key, position + i);
}

/** A fresh array of `length` synthetic tokens of content `key`. */
export function syntheticTokens(key: number, length: number): Int32Array {
  const out = newInt32Array(length);
  fillSyntheticTokens(out, 0, key, 0, length);
  return out;
}

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
