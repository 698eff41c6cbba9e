// The requests a schedule() call schedules, in vLLM's num_scheduled_tokens order, with their token
// counts, while the call builds them. Its arrays are sized once for the most requests the step can
// schedule and trimmed at the end, instead of growing by push: growing them was, with the step
// outputs, most of a run's allocation, hence of its garbage collection (issue 9).
import type { SimRequest } from './request.js';

export class ScheduledList {
  private readonly requests: SimRequest[];
  private readonly tokens: number[];
  /**
   * Per entry: the computed tokens before this step of a steady request (steady-decodes.ts), or -1
   * for a request scheduled the full way. Allocated at the first steady entry.
   */
  private steadyContexts: number[] | undefined;
  private count = 0;

  /** Room for `capacity` requests (the step schedules at most max_num_seqs). */
  constructor(readonly capacity: number) {
    this.requests = new Array<SimRequest>(capacity);
    this.tokens = new Array<number>(capacity).fill(0);
  }

  get length(): number {
    return this.count;
  }

  push(request: SimRequest, numTokens: number): void {
    const at = this.count;
    if (at === this.capacity) throw new Error(`internal: more than ${this.capacity} requests scheduled in one step`);
    this.requests[at] = request;
    this.tokens[at] = numTokens;
    if (this.steadyContexts !== undefined) this.steadyContexts[at] = -1;
    this.count = at + 1;
  }

  /** A steady request's one decode token, after `context` computed tokens (steady-decodes.ts). */
  pushSteady(request: SimRequest, context: number): void {
    if (this.steadyContexts === undefined) this.steadyContexts = new Array<number>(this.capacity).fill(-1);
    const at = this.count;
    this.push(request, 1);
    this.steadyContexts[at] = context;
  }

  /** Position of `request`, or -1. */
  indexOf(request: SimRequest): number {
    for (let at = 0; at < this.count; at++) if (this.requests[at] === request) return at;
    return -1;
  }

  tokensAt(at: number): number {
    return this.tokens[at]!;
  }

  /** Remove the entry at `at`, keeping the order of the others. */
  removeAt(at: number): void {
    const contexts = this.steadyContexts;
    for (let k = at + 1; k < this.count; k++) {
      this.requests[k - 1] = this.requests[k]!;
      this.tokens[k - 1] = this.tokens[k]!;
      if (contexts !== undefined) contexts[k - 1] = contexts[k]!;
    }
    this.count--;
  }

  /**
   * The scheduled requests, their tokens and, if any entry is steady, the steady contexts, as arrays
   * of exactly `length` (trimmed in place).
   */
  finish(): { requests: SimRequest[]; tokens: number[]; steadyContexts: number[] | undefined } {
    this.requests.length = this.count;
    this.tokens.length = this.count;
    if (this.steadyContexts !== undefined) this.steadyContexts.length = this.count;
    return { requests: this.requests, tokens: this.tokens, steadyContexts: this.steadyContexts };
  }
}
