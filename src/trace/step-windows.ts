// The fork's periodic closure of `scheduler_steps_<seq>` spans (spec C.6, commit a0d1f6fa4), as a
// pure state machine so the rule is testable without OTEL. After every schedule() call: count the
// step and whether its summary was sampled; every `interval` steps, close the window and open the
// next one, but only if something was emitted in those `interval` steps. A quiet interval leaves
// the window open, so it grows into the next interval (its range gets longer, its events do not).

export type WindowAction =
  | { readonly kind: 'none' }
  /** End the current span with step_range_end = `rangeEnd`, then open `nextSequence` at `nextRangeStart`. */
  | { readonly kind: 'rotate'; readonly rangeEnd: number; readonly nextSequence: number; readonly nextRangeStart: number };

export class StepWindows {
  /** The open window's `scheduler.span_sequence` (1 at init). */
  sequence = 1;
  /** The open window's `scheduler.step_range_start`. */
  rangeStart = 1;
  private stepsSinceCheck = 0;
  private emittedSinceCheck = false;

  constructor(readonly interval: number) {
    if (!Number.isInteger(interval) || interval < 1) {
      throw new RangeError(`step closure interval must be a positive integer, got ${interval}`);
    }
  }

  /** Called once per schedule() with step tracing on; `sampled` = a BATCH_SUMMARY was emitted. */
  afterStep(step: number, sampled: boolean): WindowAction {
    this.stepsSinceCheck += 1;
    this.emittedSinceCheck ||= sampled;
    if (this.stepsSinceCheck < this.interval) return { kind: 'none' };
    const emitted = this.emittedSinceCheck;
    this.stepsSinceCheck = 0;
    this.emittedSinceCheck = false;
    if (!emitted) return { kind: 'none' };
    this.sequence += 1;
    this.rangeStart = step + 1;
    return { kind: 'rotate', rangeEnd: step, nextSequence: this.sequence, nextRangeStart: this.rangeStart };
  }
}
