// The requests a schedule() call schedules, in vLLM's num_scheduled_tokens order, with their token
// counts, while the call builds them. Steady requests (steady-decodes.ts) are not listed, only
// counted: nothing downstream needs them one by one. So a step lists a few requests (prefills,
// admissions, the steps that end a request) however many run, and its arrays grow by push: sizing
// them up front for every request the step could schedule (max_num_seqs) cost more (issue 9).
import { removeAt } from './remove-at.js';
import type { SimRequest } from './request.js';
import { SteadyEntries } from './scheduler-output.js';

/** A finished ScheduledList: the listed requests and their tokens, and the steady ones counted. */
export interface ScheduledEntries {
  readonly requests: SimRequest[];
  readonly tokens: number[];
  readonly steady: SteadyEntries;
}

export class ScheduledList {
  private readonly requests: SimRequest[] = [];
  private readonly tokens: number[] = [];
  private readonly steady = new SteadyEntries();

  /** Room for `capacity` requests, listed and steady (the step schedules at most max_num_seqs). */
  constructor(readonly capacity: number) {}

  /** Listed requests. */
  get length(): number {
    return this.requests.length;
  }

  push(request: SimRequest, numTokens: number): void {
    if (this.requests.length + this.steady.count === this.capacity) {
      throw new Error(`internal: more than ${this.capacity} requests scheduled in one step`);
    }
    this.requests.push(request);
    this.tokens.push(numTokens);
  }

  /**
   * `count` steady requests, one decode token each after contexts that sum to `contextSum`
   * (steady-decodes.ts); `streamed` of them have clients that stream their outputs.
   */
  addSteady(count: number, contextSum: number, streamed: number): void {
    if (this.requests.length + this.steady.count + count > this.capacity) {
      throw new Error(`internal: more than ${this.capacity} requests scheduled in one step`);
    }
    this.steady.add(count, contextSum, streamed);
  }

  /** Position of a listed `request`, or -1. */
  indexOf(request: SimRequest): number {
    return this.requests.indexOf(request);
  }

  tokensAt(at: number): number {
    return this.tokens[at]!;
  }

  /** Remove the listed entry at `at`, keeping the order of the others. */
  removeAt(at: number): void {
    removeAt(this.requests, at);
    removeAt(this.tokens, at);
  }

  /** The listed requests and their tokens, and the steady ones counted. */
  finish(): ScheduledEntries {
    return { requests: this.requests, tokens: this.tokens, steady: this.steady };
  }
}
