// The engine-side request of a simulation run, linked back to its frontend record.
import { SimRequest, type SimRequestInit } from '../scheduler/request.js';
import type { ServedRequest } from './served-request.js';

/**
 * A SimRequest that knows its ServedRequest. The per-token paths (the model's next token, the
 * frontend receiving outputs) run for every running request in every step; following this field
 * instead of looking the index up in the frontend's `live` Map saves a hash probe each time.
 */
export class EngineRequest extends SimRequest {
  constructor(
    init: SimRequestInit,
    blockSize: number,
    hashBlocks: boolean,
    readonly served: ServedRequest,
  ) {
    super(init, blockSize, hashBlocks);
  }
}

/** The ServedRequest of a request the engine core created (every request of a simulation run). */
export function servedOf(request: SimRequest): ServedRequest {
  return (request as EngineRequest).served;
}
