// One request's life across the API frontend and the engine core, as the simulation tracks it.
import type { SimRequest } from '../scheduler/request.js';
import type { RequestSpec } from '../workload/request-spec.js';
import type { RequestIds } from './request-ids.js';

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
    private readonly ids: RequestIds,
    readonly traced: boolean,
  ) {
    this.streaming = spec.stream;
  }

  /** The API's request id (built when first read: request-ids.ts). */
  get apiRequestId(): string {
    return this.ids.apiRequestId;
  }

  /** The engine core's request id (built when first read). */
  get engineRequestId(): string {
    return this.ids.engineRequestId;
  }
}
