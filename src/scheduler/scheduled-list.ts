// The requests a schedule() call schedules, in vLLM's num_scheduled_tokens order, with their token
// counts, while the call builds them. Steady requests (steady-decodes.ts) are not listed, only
// counted: nothing downstream needs them one by one. So a step lists a few requests (prefills,
// admissions, the steps that end a request) however many run, and its arrays grow by push: sizing
// them up front for every request the step could schedule (max_num_seqs) cost more (issue 9).
import { emptyList } from '../engine/empty-list.js';
import { removeAt } from './remove-at.js';
import type { SimRequest } from './request.js';
import { SteadyEntries } from './scheduler-output.js';

/** What schedule() hands on of a ScheduledList: the listed requests and their tokens, and the steady ones counted. */
export interface ScheduledEntries {
  readonly requests: SimRequest[];
  readonly tokens: number[];
  readonly steady: SteadyEntries;
}

export class ScheduledList implements ScheduledEntries {
  // The shared frozen empty list until the first push: a step that lists nothing (every request in
  // it steady, about 4 steps in 10 of the 50k anchor run) allocates no lists (issue 9).
  private listed = emptyList<SimRequest>();
  private listedTokens = emptyList<number>();
  readonly steady = new SteadyEntries();

  /** Room for `capacity` requests, listed and steady (the step schedules at most max_num_seqs). */
  constructor(readonly capacity: number) {}

  /** The listed requests, in order. */
  get requests(): SimRequest[] {
    return this.listed;
  }

  /** Their token counts. */
  get tokens(): number[] {
    return this.listedTokens;
  }

  /** Listed requests. */
  get length(): number {
    return this.listed.length;
  }

  push(request: SimRequest, numTokens: number): void {
    if (this.listed.length + this.steady.count === this.capacity) {
      throw new Error(`internal: more than ${this.capacity} requests scheduled in one step`);
    }
    if (this.listed === emptyList<SimRequest>()) {
      // Most steps list one request: literals of one element, which optimized code allocates
      // inline, where a push onto [] grows its storage through a builtin call (issue 9).
      this.listed = [request];
      this.listedTokens = [numTokens];
      return;
    }
    this.listed.push(request);
    this.listedTokens.push(numTokens);
  }

  /**
   * `count` steady requests, one decode token each after contexts that sum to `contextSum`
   * (steady-decodes.ts); `streamed` of them have clients that stream their outputs.
   */
  addSteady(count: number, contextSum: number, streamed: number): void {
    if (this.listed.length + this.steady.count + count > this.capacity) {
      throw new Error(`internal: more than ${this.capacity} requests scheduled in one step`);
    }
    this.steady.add(count, contextSum, streamed);
  }

  /** Position of a listed `request`, or -1. */
  indexOf(request: SimRequest): number {
    return this.listed.indexOf(request);
  }

  tokensAt(at: number): number {
    return this.listedTokens[at]!;
  }

  /** Remove the listed entry at `at`, keeping the order of the others. */
  removeAt(at: number): void {
    removeAt(this.listed, at);
    removeAt(this.listedTokens, at);
  }
}
