// One request's life across the API frontend and the engine core, as the simulation tracks it.
import type { SimRequest } from '../scheduler/request.js';
import type { RequestSpec } from '../workload/request-spec.js';

export class ServedRequest {
  /** The engine-side request, once add_request has run. */
  sim: SimRequest | undefined = undefined;
  engineAddNs = -1;
  firstScheduledNs = -1;
  firstOutputNs = -1;
  lastOutputNs = -1;
  outputsReceived = 0;
  /** The client got its answer or went away; nothing more goes to it. */
  clientDone = false;
  /** The engine freed it, or it never reached the engine. */
  engineDone = false;

  /**
   * spec.stream, copied: the frontend reads it for every request in every step's outputs, and
   * reading it through the spec was a cache miss each time (issue 9).
   */
  readonly streaming: boolean;

  constructor(
    readonly index: number,
    readonly spec: RequestSpec,
    readonly apiRequestId: string,
    readonly engineRequestId: string,
    readonly traced: boolean,
  ) {
    this.streaming = spec.stream;
  }

  /** The output token the simulated model samples next (EOS at the planned position). */
  nextToken(numOutputTokens: number, eosTokenId: number, synthetic: (key: number, position: number) => number): number {
    const { spec } = this;
    return modelOutputToken(plannedEosCount(spec), spec.contentKey, spec.prompt.length, numOutputTokens, eosTokenId, synthetic);
  }
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
export function modelOutputToken(
  eosCount: number,
  contentKey: number,
  promptLength: number,
  numOutputTokens: number,
  eosTokenId: number,
  synthetic: (key: number, position: number) => number,
): number {
  if (numOutputTokens + 1 === eosCount) return eosTokenId;
  return synthetic(contentKey, promptLength + numOutputTokens);
}
