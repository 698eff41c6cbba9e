// vLLM's check_stop (v1/core/sched/utils.py), evaluated after each appended output token.
import type { RequestStatus, SimRequest } from './request.js';

/** The finished status the last appended token causes, or undefined if the request goes on. */
export function checkStop(request: SimRequest, maxModelLen: number): RequestStatus | undefined {
  // min_tokens suppresses every rule, the length rule included.
  if (request.numOutputTokens < request.minTokens) return undefined;
  const last = request.lastToken;
  if (!request.ignoreEos && last === request.eosTokenId) return 'FINISHED_STOPPED';
  if (request.stopTokenIds.length > 0 && request.stopTokenIds.includes(last)) {
    request.stopReason = last;
    return 'FINISHED_STOPPED';
  }
  if (request.numTokens >= maxModelLen || request.numOutputTokens >= request.maxTokens) {
    return 'FINISHED_LENGTH_CAPPED';
  }
  return undefined;
}
