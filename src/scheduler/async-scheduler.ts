// vLLM's AsyncScheduler (vllm/v1/core/sched/async_scheduler.py, non-speculative): the engine
// schedules batch N+1 while batch N still runs, so a request's sampled token is not known when
// its next step is scheduled. It is carried as a placeholder: counted in num_computed_tokens and
// in the running pass's demand, settled when the output arrives. Everything else is the sync
// Scheduler's code; its running pass also holds vLLM's async-only max_tokens skip rule.
import type { SimRequest } from './request.js';
import { Scheduler } from './scheduler.js';

export class AsyncScheduler extends Scheduler {
  /** Each request that samples a token in a batch gets a placeholder for it (see buildOutput). */
  protected override readonly outputsInFlight = true;

  /**
   * _update_request_with_output: the appended tokens replace their placeholders; blocks they
   * completed are registered in the prefix cache now (allocation could only cache known tokens).
   * A request preempted while its token was in flight has no blocks left to cache.
   */
  protected override onOutputTokens(request: SimRequest, numAppended: number, wasRunning: boolean): void {
    request.numOutputPlaceholders -= numAppended;
    if (request.numOutputPlaceholders < 0) {
      throw new Error(`internal: ${request.requestId} got more tokens than it had in flight`);
    }
    if (wasRunning) this.kv.cacheBlocks(request, request.numComputedTokens - request.numOutputPlaceholders);
  }
}
