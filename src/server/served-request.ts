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

  /** The output count at which the model samples EOS (the planned output length), or -1 for never. */
  private readonly eosAtOutput: number;
  private readonly contentKey: number;
  private readonly promptLength: number;

  constructor(
    readonly index: number,
    readonly spec: RequestSpec,
    readonly apiRequestId: string,
    readonly engineRequestId: string,
    readonly traced: boolean,
  ) {
    // Read once here rather than through `spec` for every token of every step.
    const planned = spec.outputTokens;
    this.eosAtOutput = planned !== undefined && planned < spec.maxTokens ? planned : -1;
    this.contentKey = spec.contentKey;
    this.promptLength = spec.prompt.length;
  }

  /** The output token the simulated model samples next (EOS at the planned position). */
  nextToken(numOutputTokens: number, eosTokenId: number, synthetic: (key: number, position: number) => number): number {
    if (numOutputTokens + 1 === this.eosAtOutput) return eosTokenId;
    // Outputs continue the request's own content after the prompt, so a later turn that quotes
    // them shares blocks with this request and with nothing else.
    return synthetic(this.contentKey, this.promptLength + numOutputTokens);
  }
}
