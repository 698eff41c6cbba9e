// Phase 1 of schedule() (spec A.4, vllm/v1/core/sched/scheduler.py): the RUNNING requests in list
// order within the token budget, preempting victims when the KV pool runs dry. Kept apart from
// scheduler.ts so that each file stays readable; the scheduler hands it the state it may touch.
import type { KvCacheManager } from '../kv/kv-cache-manager.js';
import type { SimRequest } from './request.js';
import type { ScheduledList } from './scheduled-list.js';
import type { SchedulerConfig } from './scheduler-output.js';
import type { SteadyDecodes } from './steady-decodes.js';

/** What the running pass may read and change: the scheduler's own state and its preemption. */
export interface RunningPassHost {
  readonly config: SchedulerConfig;
  readonly kv: KvCacheManager;
  readonly running: SimRequest[];
  /**
   * The steady decodes (steady-decodes.ts), whose marks run parallel to `running`; undefined when
   * the fast path is off. Called directly, not through closures: each closure was one more
   * function for the JIT to compile on its own and again inlined (issue 9).
   */
  readonly steadyDecodes: SteadyDecodes | undefined;
  /** vLLM's _preempt_request, for a request already removed from `running`. */
  preempt(request: SimRequest, step: number, nowNs: number): void;
  /** Remove the running request at `position` (with its steady mark; a steady one is brought up to date). */
  removeRunningAt(position: number): void;
}

/**
 * Schedules the running requests into `scheduled` (vLLM's num_scheduled_tokens order) and
 * appends victims to `preempted`. Returns the budget left.
 */
export function scheduleRunning(
  host: RunningPassHost,
  step: number,
  nowNs: number,
  scheduled: ScheduledList,
  preempted: SimRequest[],
): number {
  const { maxNumBatchedTokens, longPrefillTokenThreshold: threshold, maxModelLen, policy } = host.config;
  const { kv, running, steadyDecodes } = host;
  // The marks, read at every position; defined exactly when steadyDecodes is (hence its `!`s).
  const steady = steadyDecodes?.marks;
  let budget = maxNumBatchedTokens;
  // The steady requests scheduled (steady-decodes.ts) are the marked positions that the pass
  // reaches: after it, every mark left is of a request steady in this step, or of one that joined
  // in it to be steady from the next step on (counted here, to be taken out of the marks' totals).
  let laterCount = 0;
  let laterOffsets = 0;
  let laterStreamed = 0;
  let i = 0;
  while (i < running.length && budget > 0) {
    if (steady !== undefined) {
      // Steady: one decode token each, in their places, without reading the requests: a scan of
      // one array. A stretch that ended at a block boundary may be carried on through this step
      // by the KV fast path.
      // (Position p is entry base + p of the marks' arrays; a removal may move base: read it here.)
      const until = steady.until;
      const base = steady.base;
      const from = i;
      const end = Math.min(running.length, i + budget);
      while (i < end && until[base + i]! >= step) i++;
      budget -= i - from;
      if (i === end) continue;
      if (until[base + i] !== 0) {
        if (steadyDecodes!.extend(i, step)) {
          budget -= 1;
          i++;
          continue;
        }
        steadyDecodes!.leave(running, i, i + 1);
      }
    }
    const request = running[i]!;
    const placeholders = request.numOutputPlaceholders;
    // Async only (placeholders are 0 in sync mode): the output in flight is certain to reach
    // max_tokens, so one more step would compute a token that is thrown away. vLLM's test is
    // (computed + 1) - (placeholders - 1) >= prompt + max_tokens, written to hold with draft
    // tokens too.
    if (placeholders > 0 && request.numComputedTokens + 2 - placeholders >= request.numPromptTokens + request.maxTokens) {
      i++;
      continue;
    }
    // Positions of outputs still in flight are fed by the GPU itself, so they count as demand.
    let n = request.numTokens + placeholders - request.numComputedTokens;
    if (threshold > 0 && threshold < n) n = threshold;
    n = Math.min(n, budget, maxModelLen - 1 - request.numComputedTokens);
    if (n <= 0) {
      i++;
      continue;
    }
    let allocated = kv.tryAllocateSlots(request, n);
    while (!allocated) {
      const victim = pickVictim(running, policy);
      if (policy === 'priority') {
        const victimAt = running.indexOf(victim);
        // A victim that joined in this step to be steady from the next: out of the later counts
        // (removing it takes its mark out of the totals).
        const victimEntry = steady === undefined ? 0 : steady.base + victimAt;
        if (steady !== undefined && steady.until[victimEntry] !== 0 && victim.steadyFrom > step) {
          laterCount--;
          laterOffsets -= steady.offset[victimEntry]!;
          if (steady.streamed[victimEntry]!) laterStreamed--;
        }
        // Already scheduled this step, listed or steady (a steady mark before `i` that is not one
        // this step's schedule just set): return its tokens to the budget.
        const at = scheduled.indexOf(victim);
        if (at >= 0) {
          budget += scheduled.tokensAt(at);
          scheduled.removeAt(at);
          i--;
        } else if (steady !== undefined && victimAt < i && steady.until[victimEntry]! >= step) {
          budget += 1;
          i--;
        }
        host.removeRunningAt(victimAt);
      } else {
        host.removeRunningAt(running.length - 1);
      }
      host.preempt(victim, step, nowNs);
      preempted.push(victim);
      if (victim === request) break;
      allocated = kv.tryAllocateSlots(request, n);
    }
    if (!allocated) break;
    budget -= n;
    if (steady === undefined) {
      scheduled.push(request, n);
    } else {
      // Priority preemptions of earlier requests that were not scheduled move this one back without
      // moving `i` (vLLM's req_index moves back only for scheduled victims), so the loop goes on
      // after `i` and skips the requests in between this step: steady ones among them leave.
      const position = running[i] === request ? i : running.indexOf(request);
      steadyDecodes!.leave(running, position + 1, Math.min(i + 1, running.length));
      if (!steadyDecodes!.join(position, request, n, step, kv.quietUntil(request))) {
        scheduled.push(request, n);
        const entry = steady.base + position;
        if (steady.until[entry] !== 0) {
          laterCount++;
          laterOffsets += steady.offset[entry]!;
          if (steady.streamed[entry]!) laterStreamed++;
        }
      }
    }
    i++;
  }
  if (steady !== undefined) {
    // Steady requests the budget did not reach are not scheduled this step: they take the full path.
    steadyDecodes!.leave(running, i, running.length);
    const count = steady.markedCount - laterCount;
    scheduled.addSteady(count, steady.markedOffsets - laterOffsets + count * step, steady.markedStreamed - laterStreamed);
  }
  return budget;
}

/** FCFS: the running tail. Priority: the first max of (priority, arrival) in running order. */
function pickVictim(running: readonly SimRequest[], policy: SchedulerConfig['policy']): SimRequest {
  if (policy !== 'priority') return running[running.length - 1]!;
  let victim = running[0]!;
  for (const candidate of running) {
    if (
      candidate.priority > victim.priority ||
      (candidate.priority === victim.priority && candidate.arrivalTimeNs > victim.arrivalTimeNs)
    ) {
      victim = candidate;
    }
  }
  return victim;
}
