// The simulation's event kinds and their named priorities: at equal virtual time, events run in
// this order (then in the order they were scheduled).
import type { SchedulerOutput, StepOutputs } from '../scheduler/scheduler-output.js';
import type { StepRecord } from '../trace/records.js';
import type { RequestSpec } from '../workload/request-spec.js';

export const PRIORITY = {
  /** The step events of a step whose schedule() began earlier, at their emission time. */
  STEP_TRACE: -1,
  /** Engine outputs reach the client. */
  FRONTEND_OUTPUT: 0,
  /** The API server receives a request. */
  ARRIVAL: 1,
  /** A client disconnects. */
  CLIENT_ABORT: 2,
  /** A request or an abort reaches the engine's input queue. */
  ENGINE_INPUT: 3,
  /** A forward pass completes. */
  STEP_END: 4,
  /** The engine loop starts an iteration (drains inputs first, so inputs of this instant count). */
  STEP_BEGIN: 5,
} as const;

export type SimEvent =
  | { readonly kind: 'arrival'; readonly spec: RequestSpec }
  /** A request returned by an earlier request's `onDone` (it is not pulled from the workload). */
  | { readonly kind: 'follow-up'; readonly spec: RequestSpec }
  | { readonly kind: 'client-abort'; readonly index: number }
  | { readonly kind: 'engine-input'; readonly input: 'add' | 'abort'; readonly index: number }
  | { readonly kind: 'step-begin' }
  | { readonly kind: 'step-trace'; readonly record: StepRecord }
  | { readonly kind: 'step-end'; readonly output: SchedulerOutput }
  | { readonly kind: 'frontend-output'; readonly outputs: StepOutputs };

/** The event of an add or abort reaching the engine's input queue. */
export function engineInput(input: 'add' | 'abort', index: number): SimEvent {
  return { kind: 'engine-input', input, index };
}
