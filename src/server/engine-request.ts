// The engine-side request of a simulation run, linked back to its frontend record.
import { SimRequest, type SimRequestInit } from '../scheduler/request.js';
import { modelOutputToken, plannedEosCount } from '../workload/tokens.js';
import type { ServedRequest } from './served-request.js';

/**
 * A SimRequest that knows its ServedRequest. The per-token paths (the model's next token, the
 * frontend receiving outputs) run for every running request in every step; following this field
 * instead of looking the index up in the frontend's `live` Map saves a hash probe each time.
 */
export class EngineRequest extends SimRequest {
  /**
   * What the model's next token depends on, copied from the request's spec: sampling reads them
   * for every running request in every step, and this object is already in the CPU cache then,
   * while the ServedRequest and its spec would be two more cache misses each time (issue 9).
   * `eosCount` is the output count at which the model samples EOS, or -1 (plannedEosCount in
   * workload/tokens.ts); the scheduler's steady decodes read it too.
   */
  readonly eosCount: number;
  /** The client streams the outputs (spec.stream), for the same reason. */
  readonly streaming: boolean;
  private readonly contentKey: number;

  constructor(
    init: SimRequestInit,
    blockSize: number,
    hashBlocks: boolean,
    readonly served: ServedRequest,
  ) {
    super(init, blockSize, hashBlocks);
    this.eosCount = plannedEosCount(served.spec);
    this.streaming = served.streaming;
    this.contentKey = served.spec.contentKey;
  }

  /** The output token the simulated model samples next (modelOutputToken), from local fields. */
  sampleToken(): number {
    return modelOutputToken(this.eosCount, this.contentKey, this.numPromptTokens, this.numOutputTokens);
  }
}

/** The ServedRequest of a request the engine core created (every request of a simulation run). */
export function servedOf(request: SimRequest): ServedRequest {
  return (request as EngineRequest).served;
}
