// The requests a schedule() call schedules, in vLLM's num_scheduled_tokens order, with their token
// counts, while the call builds them. Its arrays are sized once for the most requests the step can
// schedule and trimmed at the end, instead of growing by push: growing them was, with the step
// outputs, most of a run's allocation, hence of its garbage collection (issue 9). Steady requests
// (steady-decodes.ts) are not listed, only counted: nothing downstream needs them one by one.
import type { SimRequest } from './request.js';
import { SteadyEntries } from './scheduler-output.js';

/** A finished ScheduledList: the listed requests and their tokens, and the steady ones counted. */
export interface ScheduledEntries {
  readonly requests: SimRequest[];
  readonly tokens: number[];
  readonly steady: SteadyEntries;
}

export class ScheduledList {
  private readonly requests: SimRequest[];
  private readonly tokens: number[];
  private readonly steady = new SteadyEntries();
  private count = 0;

  /** Room for `capacity` listed requests (the step schedules at most max_num_seqs). */
  constructor(readonly capacity: number) {
    this.requests = new Array<SimRequest>(capacity);
    this.tokens = new Array<number>(capacity).fill(0);
  }

  /** Listed requests. */
  get length(): number {
    return this.count;
  }

  push(request: SimRequest, numTokens: number): void {
    const at = this.count;
    if (at === this.capacity) throw new Error(`internal: more than ${this.capacity} requests scheduled in one step`);
    this.requests[at] = request;
    this.tokens[at] = numTokens;
    this.count = at + 1;
  }

  /**
   * A steady request's one decode token, after `context` computed tokens (steady-decodes.ts);
   * `streamed`: its client streams its outputs.
   */
  pushSteady(context: number, streamed: boolean): void {
    this.steady.add(context, streamed, 1);
  }

  /** Take back a steady entry (its request was preempted later in the same running pass). */
  removeSteady(context: number, streamed: boolean): void {
    this.steady.add(-context, streamed, -1);
  }

  /** Position of a listed `request`, or -1. */
  indexOf(request: SimRequest): number {
    for (let at = 0; at < this.count; at++) if (this.requests[at] === request) return at;
    return -1;
  }

  tokensAt(at: number): number {
    return this.tokens[at]!;
  }

  /** Remove the listed entry at `at`, keeping the order of the others. */
  removeAt(at: number): void {
    for (let k = at + 1; k < this.count; k++) {
      this.requests[k - 1] = this.requests[k]!;
      this.tokens[k - 1] = this.tokens[k]!;
    }
    this.count--;
  }

  /** The listed requests and their tokens, as arrays of exactly `length` (trimmed in place). */
  finish(): ScheduledEntries {
    this.requests.length = this.count;
    this.tokens.length = this.count;
    return { requests: this.requests, tokens: this.tokens, steady: this.steady };
  }
}
