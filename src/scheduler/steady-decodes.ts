// Steady decodes: a fast path of the scheduler for the commonest thing it does (issue 9).
//
// Most running requests, in most steps, are *steady*: scheduled with exactly one token, they make
// no KV call that changes anything (their slot fits in a block they hold, and no block of theirs
// fills), sample the model's next token and do not stop. Reading and writing each of them in every
// step (the running pass, the output build, update_from_output and the frontend) was most of a
// busy run's time (docs/decode-fast-forward.md).
//
// How long a request stays steady is known when it is scheduled: until its next block boundary or
// newly full block (the KV cache manager's quiet-until bound), its planned EOS or length cap, or
// max_model_len. So the running pass marks such a request steady for those steps, in arrays that
// run parallel to the running list (`SteadyMarks`), and in those steps nothing touches it:
//   - the running pass gives it its one token from the budget, in its place in the running order,
//     exactly as vLLM's loop would (so the budget and every later request see the same numbers),
//     and counts it instead of listing it (SteadyEntries: a count and the sum of the contexts);
//   - the output build adds the count to the batch's decodes and the contexts to its shape;
//   - update_from_output has nothing to do for it, and hands the frontend the count;
//   - the frontend records the count's inter-token gaps (all the time since the previous step's
//     delivery) and credits the outputs to the request's client when the stretch ends.
// Its own fields (computed tokens, output tokens, block hashes) fall behind meanwhile and are
// brought up to date ("materialized") by replaying the skipped steps, in order, whenever anything
// needs them: when its steady stretch ends, when it is preempted or aborted, when the budget runs
// out before its place in the list, before a step whose REQUEST_SNAPSHOTs are sampled, and when
// its client goes away (it is then never steady again, so that its outputs are listed for the
// frontend to leave out). Replaying a request's steps in one go is the same computation as doing
// them one step at a time: its steps read and write only its own fields (the tokens come from its
// own content), and a steady step makes no KV call at all.
//
// Under async scheduling a batch's outputs are processed after the next batch is scheduled, so a
// request that stops being steady may still be counted in a batch in flight: bringing it up to
// date applies the scheduling of every batch built so far and the outputs of every batch processed
// so far, and names it in each batch still in flight (SteadyEntries.leftInFlight), whose
// update_from_output appends its token. Only runs on the simulated model's own tokens take this
// path: tests that feed the scheduler chosen tokens need every step done in full. The model's token
// in a steady step (never its planned EOS) continues the request's output run (SimRequestInit's
// outputKey), so the outputs of many skipped steps are appended as one run.
import type { SimRequest } from './request.js';
import type { SteadyEntries } from './scheduler-output.js';
import { checkStop } from './stop.js';

/** What a steady stretch depends on beyond the request itself. */
export interface SteadyLimits {
  /** Token count up to which the request's KV allocation stays a no-op (KvCacheManager.quietUntil). */
  readonly quietUntil: number;
  readonly maxModelLen: number;
  /** Output count at which the model samples EOS, or -1 if it never does before the length cap. */
  readonly plannedEosCount: number;
}

/**
 * How many steps after the current one the request can be steady, given that the running pass has
 * just scheduled it for one token (before the output build advances it): 0 if it cannot.
 *
 * Now it has `c` computed tokens, `o` outputs known and `q` in flight (async placeholders), and one
 * token of demand: tokens + q = c + 1. The output build gives it c + 1 computed tokens and one more
 * output in flight, and each later step adds one of each, so its demand stays one token. Step
 * `current + j` (j >= 1) then schedules it after c + j computed tokens, and its output is output
 * number m = o + q + 1 + j. That step is steady when
 *   - the slot needs no new block and completes no block: c + j + 1 <= quietUntil. Under async
 *     scheduling, update_from_output registers the blocks the appended token completes, up to
 *     c + 1 + j tokens: within the same bound, so that is a no-op too;
 *   - output m does not stop it (check_stop): m is not the planned EOS, m < max_tokens and
 *     prompt + m < max_model_len. The async skip rule (an output in flight reaching max_tokens)
 *     then never applies either.
 * The bounds are safe when a rule would not fire (min_tokens pending, ignore_eos): the request is
 * then just handled in full earlier than needed. Stop token ids depend on the tokens themselves,
 * so such requests never become steady; so do requests whose outputs left their output run.
 */
export function steadyStepsAfter(request: SimRequest, limits: SteadyLimits): number {
  if (!decodesItsRun(request)) return 0;
  // (The running pass's max_model_len cap, c + j <= maxModelLen - 2, needs no term of its own: the
  // length rule stops the request before it, at prompt + m = c + 2 + j >= maxModelLen.)
  const steps = Math.min(limits.quietUntil - request.numComputedTokens - 1, firstStoppingStep(request, limits) - 1);
  return steps > 0 ? steps : 0;
}

/**
 * Whether the step that has just scheduled `request` for one token (its KV allocation done) can be
 * steady too: its output stops nothing, and the request had an output in the step before, so that
 * the gap before this output is the time between the two steps' deliveries. No block condition is
 * needed: the allocation covers slot c + 1 and registered every block whose tokens are known.
 * (Under async scheduling the block this step fills waits for its last token, still in flight: the
 * next step's allocation registers it, or update_from_output if the request is not scheduled then,
 * in vLLM as here: SteadyDecodes.extend, SteadyEntries.leftInFlight.)
 */
export function steadyNow(request: SimRequest, limits: Omit<SteadyLimits, 'quietUntil'>, step: number): boolean {
  return decodesItsRun(request) && request.lastSampledStep === step - 1 && firstStoppingStep(request, limits) > 0;
}

/**
 * A decode with known outputs (the output build classifies it by them), of one token of demand,
 * whose tokens are the model's run: no stop token ids to check, outputs that continue its run.
 */
function decodesItsRun(request: SimRequest): boolean {
  if (request.numOutputTokens === 0) return false;
  if (request.numTokens + request.numOutputPlaceholders !== request.numComputedTokens + 1) return false;
  return request.stopTokenIds.length === 0 && request.outputsAreRun;
}

/**
 * The first step, counted from this one (0), whose output stops the request: this step's output
 * is number o + q + 1 (after o known outputs and q in flight), step j's is o + q + 1 + j. The
 * length rules stop it at min(max_tokens, max_model_len - prompt) outputs, the planned EOS at its
 * output count (one already passed counts as stopping now: the bound stays safe).
 */
export function firstStoppingStep(request: SimRequest, limits: Omit<SteadyLimits, 'quietUntil'>): number {
  const current = request.numOutputTokens + request.numOutputPlaceholders + 1;
  let stopAt = Math.min(request.maxTokens, limits.maxModelLen - request.numPromptTokens) - current;
  if (limits.plannedEosCount >= 0) stopAt = Math.min(stopAt, limits.plannedEosCount - current);
  return stopAt;
}

/**
 * Per position of the running list: until which step the request there is steady (0: it is not),
 * the last step its stop rules allow it to be (its stretch is extended past a block boundary up to
 * that: SteadyDecodes.extend), the offset that gives its computed tokens before a steady step
 * (offset + step), and whether its client streams its outputs (the frontend then records the gap
 * before each of them). Kept in arrays beside the list, not on the requests, so that a steady
 * request is never read.
 *
 * The marks also keep running totals over the marked positions (until != 0): how many, the sum of
 * their offsets, how many are streamed. The running pass then only scans `until` for the positions
 * that need it, and takes the steady requests' count and contexts from the totals, instead of
 * reading three arrays at every position in every step.
 */
export class SteadyMarks {
  // Typed arrays of one size for the run: the running list never holds more than max_num_seqs
  // requests. Position p of the list is entry `base + p`. A request leaves the list at every
  // finish, and in the 50k anchor run always from its front (requests run in admission order and
  // finish in it): then `base` just moves up, where moving the five arrays' tails down
  // (copyWithin) cost a memmove each (issue 9). The arrays hold twice max_num_seqs entries, so
  // the window slides back to 0 (compact) at most once per max_num_seqs admissions. Steps and
  // offsets are integers well within a float64's exact range.
  /** Per entry: the last step it is steady in, 0 if it is not. Entries outside the window mean nothing. */
  readonly until: Float64Array;
  /** Per entry: the last step its stop rules allow it to be steady in. */
  readonly stopUntil: Float64Array;
  /** Per entry: its computed tokens before a steady step are offset + step. */
  readonly offset: Float64Array;
  /** Per entry: 1 if its client streams its outputs. */
  readonly streamed: Uint8Array;
  /** Per entry: the request's index (SimRequest.index), so that a stretch is extended without reading the request. */
  readonly indexes: Int32Array;
  /** The entry of position 0. */
  private start = 0;
  private size = 0;
  /** Marked positions (until != 0). */
  private count = 0;
  /** The sum of the marked positions' offsets. */
  private offsetSum = 0;
  /** Marked positions whose client streams. */
  private streamedCount = 0;

  /** Room for `capacity` positions: the most requests the running list can hold (max_num_seqs). */
  constructor(readonly capacity: number) {
    const entries = 2 * capacity;
    this.until = new Float64Array(entries);
    this.stopUntil = new Float64Array(entries);
    this.offset = new Float64Array(entries);
    this.streamed = new Uint8Array(entries);
    this.indexes = new Int32Array(entries);
  }

  /** The entry of position 0: position p is entry base + p of the arrays (until it changes, at a removal or a push). */
  get base(): number {
    return this.start;
  }

  get length(): number {
    return this.size;
  }

  get markedCount(): number {
    return this.count;
  }

  get markedOffsets(): number {
    return this.offsetSum;
  }

  get markedStreamed(): number {
    return this.streamedCount;
  }

  /** A position at the end, unmarked, for the request with index `requestIndex`. */
  push(requestIndex: number): void {
    if (this.size === this.capacity) throw new Error(`internal: more than ${this.capacity} steady marks`);
    if (this.start + this.size === this.until.length) this.compact();
    const at = this.start + this.size++;
    this.until[at] = 0;
    this.stopUntil[at] = 0;
    this.offset[at] = 0;
    this.streamed[at] = 1;
    this.indexes[at] = requestIndex;
  }

  removeAt(position: number): void {
    if (position < 0 || position >= this.size) throw new Error(`internal: no steady mark at ${position} of ${this.size}`);
    this.unmark(position);
    if (position === 0) {
      this.start++;
    } else {
      const at = this.start + position;
      this.moveEntries(at, at + 1, this.start + this.size);
    }
    this.size--;
  }

  /** Mark the position steady until step `until` (> 0). */
  mark(position: number, until: number, stopUntil: number, offset: number, streamed: boolean): void {
    if (!(until > 0) || position >= this.size) throw new Error(`internal: steady mark until step ${until} at ${position} of ${this.size}`);
    this.unmark(position);
    const at = this.start + position;
    this.until[at] = until;
    this.stopUntil[at] = stopUntil;
    this.offset[at] = offset;
    this.streamed[at] = streamed ? 1 : 0;
    this.count++;
    this.offsetSum += offset;
    if (streamed) this.streamedCount++;
  }

  clear(position: number): void {
    this.unmark(position);
    this.until[this.start + position] = 0;
  }

  /** Take a marked position out of the totals (its entries are the caller's to change). */
  private unmark(position: number): void {
    const at = this.start + position;
    if (this.until[at] === 0) return;
    this.count--;
    this.offsetSum -= this.offset[at]!;
    if (this.streamed[at] === 1) this.streamedCount--;
  }

  /** Move the window to the arrays' start. */
  private compact(): void {
    this.moveEntries(0, this.start, this.start + this.size);
    this.start = 0;
  }

  /** Copy entries [from, end) of all five arrays to `to` on (copyWithin: a memmove each). */
  private moveEntries(to: number, from: number, end: number): void {
    this.until.copyWithin(to, from, end);
    this.stopUntil.copyWithin(to, from, end);
    this.offset.copyWithin(to, from, end);
    this.streamed.copyWithin(to, from, end);
    this.indexes.copyWithin(to, from, end);
  }
}

/** What the steady decodes need of the KV cache manager: a block boundary's fast path (extend), and a stretch's end (materialize). */
export interface SteadySlots {
  allocateSteadySlot(index: number, computed: number, knownTokens: number): number;
  /** A stretch of `request` ended: count its blocks full within `cachedTokens` tokens as cached. */
  settleSteady(request: SimRequest, cachedTokens: number): void;
}

/** What the steady decodes need from whoever runs the model and receives its outputs. */
export interface SteadyDecodeHooks {
  /**
   * The output count at which the model samples EOS for `request` (-1: never before the length
   * cap); its other tokens continue the request's output run (SimRequestInit's outputKey).
   */
  plannedEosCount(request: SimRequest): number;
  /** Whether the request's client streams its outputs (a steady entry then carries a gap to record). */
  streamed(request: SimRequest): boolean;
  /**
   * The request was steady in steps [fromStep, toStep], all built: each has an output for it,
   * counted and not listed (SteadyEntries). Called once per stretch, when it ends.
   */
  steadyOutputs(request: SimRequest, fromStep: number, toStep: number): void;
}

/**
 * The scheduler's steady-decode state: the marks beside its running list, how far the steps have
 * gone (built by schedule(), taken by update_from_output), the batches in between, and how a
 * request joins, and leaves after being brought up to date.
 */
export class SteadyDecodes {
  readonly marks: SteadyMarks;
  /** The last step whose output schedule() built, and the last one update_from_output took. */
  private lastBuiltStep = 0;
  private lastUpdatedStep = 0;
  /** Batches in flight while the last built step was scheduled (a steady request knew c + 1 - this of its c + 1 tokens). */
  private inFlightAtLastBuild = 0;
  /** The last step whose REQUEST_SNAPSHOTs were sampled. */
  private sampledStep = 0;
  /** The limits of the request `join` looks at (one object for the run, not one per call). */
  private readonly limits: { -readonly [K in keyof SteadyLimits]: SteadyLimits[K] };
  /** The steady entries of the batches built but not yet updated, oldest first (each knows its step). */
  private readonly inFlight: SteadyEntries[] = [];

  /**
   * `hooks` say what the model samples and who hears of steady outputs (SteadyDecodeHooks).
   * `placeholders`: async scheduling, whose scheduled outputs are carried as placeholders until
   * they arrive. `running`: the running list at the start; `maxNumSeqs`: the most it can hold.
   */
  constructor(
    private readonly hooks: SteadyDecodeHooks,
    private readonly kv: SteadySlots,
    private readonly maxModelLen: number,
    private readonly placeholders: boolean,
    running: readonly SimRequest[],
    maxNumSeqs: number,
  ) {
    this.marks = new SteadyMarks(maxNumSeqs);
    for (const request of running) this.marks.push(request.index);
    this.limits = { quietUntil: 0, maxModelLen, plannedEosCount: -1 };
  }

  /**
   * The running pass scheduled `n` tokens for `request` (at `position`) in `step`, and its KV
   * allocation is now quiet until `quietUntil` tokens: mark it steady for the steps after, if any,
   * and for this one too if it can be (steadyNow). Returns whether it is steady in this step: the
   * running pass then counts it instead of listing it.
   */
  join(position: number, request: SimRequest, n: number, step: number, quietUntil: number): boolean {
    if (n !== 1 || request.steadyBarred) return false;
    const limits = this.limits;
    limits.quietUntil = quietUntil;
    limits.plannedEosCount = this.hooks.plannedEosCount(request);
    const now = step !== this.sampledStep && steadyNow(request, limits, step);
    const steps = steadyStepsAfter(request, limits);
    if (!now && steps === 0) return false;
    // Before step + j it will have computed c + j tokens, c being its count before this step.
    const stopUntil = step + firstStoppingStep(request, limits) - 1;
    this.marks.mark(position, step + steps, stopUntil, request.numComputedTokens - step, this.hooks.streamed(request));
    request.steadyFrom = now ? step : step + 1;
    return now;
  }

  /**
   * The steady request at `position` of the running list reached the end of its stretch at a block
   * boundary (its mark ended before `step` and before its stop rules end it): make the KV
   * allocation of its next token from the mark alone, if that needs no block hash
   * (KvCacheManager.allocateSteadySlot), and keep it steady through `step` and the steps the new
   * blocks leave quiet. Returns false, changing nothing, if it cannot; the request then leaves.
   * One batch at most is in flight while a step is scheduled, and a request steady in it has one
   * output in flight for it: so it knows c + 1 - in-flight tokens of its c + 1.
   */
  extend(position: number, step: number): boolean {
    const marks = this.marks;
    const at = marks.base + position;
    if (marks.until[at] !== step - 1 || marks.stopUntil[at]! < step) return false;
    const computed = marks.offset[at]! + step;
    const inFlight = this.lastBuiltStep - this.lastUpdatedStep;
    if (inFlight > 1) return false;
    const quietUntil = this.kv.allocateSteadySlot(marks.indexes[at]!, computed, computed + 1 - inFlight);
    if (quietUntil < 0) return false;
    // This step is steady as in `join` (steadyNow): its slot is allocated. Under async scheduling
    // the block it fills is registered one step later, by the next allocation (or by
    // update_from_output if it leaves), so the quiet bound may end the stretch here.
    marks.until[at] = Math.min(step + Math.max(quietUntil - computed - 1, 0), marks.stopUntil[at]!);
    return true;
  }

  /** `step` has its REQUEST_SNAPSHOTs sampled: nobody may be steady in it (Scheduler.schedule). */
  describeEveryRequestIn(step: number): void {
    this.sampledStep = step;
  }

  /** The steady requests at positions [from, to) of `running` take the full path from now on. */
  leave(running: readonly SimRequest[], from: number, to: number): void {
    const marks = this.marks;
    const until = marks.until;
    const base = marks.base;
    for (let p = from; p < to; p++) {
      if (until[base + p] === 0) continue;
      this.materialize(running[p]!);
      marks.clear(p);
    }
  }

  /**
   * Bring a steady request's fields up to date and end its steadiness: apply the scheduling of every
   * step built since it became steady (the output build's advance, and a placeholder under async
   * scheduling) and the outputs of every step updated since (the model's token appended, the
   * placeholder settled), in step order; its entries in the batches still in flight get their
   * token from update_from_output (SteadyEntries.leftInFlight). Then report the stretch's
   * outputs. A request that is not steady is left alone. Its mark is the caller's to clear or
   * remove (leave, Scheduler.removeRunningAt).
   */
  materialize(request: SimRequest): void {
    const from = request.steadyFrom;
    if (from < 0) return;
    request.steadyFrom = -1;
    // Each step built advanced it by one token (and one placeholder under async scheduling) ...
    const built = Math.max(this.lastBuiltStep - from + 1, 0);
    request.numComputedTokens += built;
    if (this.placeholders) request.numOutputPlaceholders += built;
    // ... and each step updated appended the model's token, the next of its output run, which
    // settles a placeholder and stops nothing (steadyStepsAfter). Checking after the last one
    // covers the others: run tokens are synthetic ids, never EOS, and the length rule only fires
    // later as outputs grow, not earlier.
    const updated = Math.max(this.lastUpdatedStep - from + 1, 0);
    if (updated > 0) {
      request.appendOutputRun(updated);
      if (this.placeholders) request.numOutputPlaceholders -= updated;
      if (checkStop(request, this.maxModelLen) !== undefined) {
        throw new Error(`internal: steady request ${request.requestId} stopped by step ${this.lastUpdatedStep}`);
      }
    }
    // (Indexed loops here and in the engine's other per-step paths: a for-of loop is an iterator
    // object and a call per element in unoptimized code, and a larger graph for the JIT: issue 9.)
    const inFlight = this.inFlight;
    for (let k = 0; k < inFlight.length; k++) if (inFlight[k]!.step >= from) inFlight[k]!.leave(request);
    if (built > 0) {
      // The blocks its steps made full count as cached now (KvCacheManager.steadyBound): the last
      // step's allocation, after c computed tokens of which c + 1 - in-flight were known, counted
      // those full within min(c + 1, known) (allocateSteadySlot's arithmetic); under async
      // scheduling each output since then counted those within the tokens it made known, c' + 1
      // after the step c' it came from (AsyncScheduler.onOutputTokens).
      const computed = request.numComputedTokens - 1;
      let cachedTokens = Math.min(Math.min(computed, this.maxModelLen) + 1, computed + 1 - this.inFlightAtLastBuild);
      if (this.placeholders && updated > 0) cachedTokens = Math.max(cachedTokens, computed + 1 - (this.lastBuiltStep - this.lastUpdatedStep));
      this.kv.settleSteady(request, cachedTokens);
      request.lastSampledStep = this.lastBuiltStep;
      // Every step it was steady in, built, has an output for it, counted and not listed.
      this.hooks.steadyOutputs(request, from, this.lastBuiltStep);
    }
  }

  /** schedule() built `step`'s output (its batch is now in flight). */
  built(step: number, steady: SteadyEntries): void {
    this.inFlightAtLastBuild = step - 1 - this.lastUpdatedStep;
    this.lastBuiltStep = step;
    steady.step = step;
    this.inFlight.push(steady);
  }

  /** update_from_output took `step`'s output, which must be the oldest in flight. */
  updated(step: number): void {
    if (this.inFlight.shift()?.step !== step) {
      throw new Error(`internal: update_from_output of step ${step} out of order`);
    }
    this.lastUpdatedStep = step;
  }
}
