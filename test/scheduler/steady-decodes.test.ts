// How long a request can stay steady (src/scheduler/steady-decodes.ts), against counts worked out
// by hand step by step in the comments. The whole-run equivalence with the full path is checked by
// test/property/steady-decodes.property.test.ts.
import { describe, expect, it } from 'vitest';
import { SimRequest } from '../../src/scheduler/request.js';
import { AsyncScheduler } from '../../src/scheduler/async-scheduler.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { SteadyEntries, type SchedulerOutput } from '../../src/scheduler/scheduler-output.js';
import { TokenContent } from '../../src/tokens/token-content.js';
import { syntheticToken } from '../../src/tokens/synthetic.js';
import { SteadyDecodes, SteadyMarks, steadyStepsAfter } from '../../src/scheduler/steady-decodes.js';

const KEY = 5;

/**
 * A running request with `prompt` tokens, `known` outputs, `inFlight` placeholders, decoding. Its
 * outputs are the run of content KEY after the prompt, as the simulated model samples them.
 */
function decoding(prompt: number, known: number, inFlight: number, init: { maxTokens?: number; stopTokenIds?: number[] } = {}) {
  const request = new SimRequest(
    { index: 0, requestId: 'r', prompt: TokenContent.tokens(new Int32Array(prompt).fill(7)), outputKey: KEY, maxTokens: init.maxTokens ?? 100, arrivalTimeNs: 0, eosTokenId: 2, ...(init.stopTokenIds ? { stopTokenIds: init.stopTokenIds } : {}) },
    16,
    false,
  );
  for (let k = 0; k < known; k++) request.appendOutputToken(syntheticToken(KEY, prompt + k));
  request.numOutputPlaceholders = inFlight;
  // One token of demand: tokens + in flight = computed + 1.
  request.numComputedTokens = request.numTokens + inFlight - 1;
  request.status = 'RUNNING';
  return request;
}

const roomy = { maxModelLen: 4096, plannedEosCount: -1 };

describe('steadyStepsAfter', () => {
  it('lasts until the slot after the quiet-until bound (sync)', () => {
    // 10 prompt + 2 outputs, computed 11. Steps after this one compute after 12, 13, 14, 15
    // tokens: the slots 13, 14, 15 fit under quiet-until 15, the fourth (16) does not.
    expect(steadyStepsAfter(decoding(10, 2, 0), { ...roomy, quietUntil: 15 })).toBe(3);
  });

  it('ends before the step whose output is the planned EOS or reaches max_tokens', () => {
    // This step's output is #3, the next ones #4, #5: EOS at 5 leaves one steady step (#4).
    expect(steadyStepsAfter(decoding(10, 2, 0), { ...roomy, quietUntil: 1000, plannedEosCount: 5 })).toBe(1);
    // max_tokens 4: output #4 (the next step's) already stops it.
    expect(steadyStepsAfter(decoding(10, 2, 0, { maxTokens: 4 }), { ...roomy, quietUntil: 1000 })).toBe(0);
    // max_tokens 6: #4 and #5 are steady, #6 stops.
    expect(steadyStepsAfter(decoding(10, 2, 0, { maxTokens: 6 }), { ...roomy, quietUntil: 1000 })).toBe(2);
  });

  it('ends before the output that reaches max_model_len', () => {
    // 10 + 2 tokens; the outputs of the next steps make 14, 15, 16 tokens: 16 stops at max_model_len 16.
    expect(steadyStepsAfter(decoding(10, 2, 0), { quietUntil: 1000, maxModelLen: 16, plannedEosCount: -1 })).toBe(2);
  });

  it('counts the output in flight under async scheduling', () => {
    // 10 + 2 known + 1 in flight, computed 12: the next steps compute after 13 and 14 tokens (slots
    // 14, 15 <= 15), the third after 15 (slot 16) does not fit.
    expect(steadyStepsAfter(decoding(10, 2, 1), { ...roomy, quietUntil: 15 })).toBe(2);
    // Outputs #3 (in flight) and #4 (this step) come first: EOS at 6 leaves #5 steady.
    expect(steadyStepsAfter(decoding(10, 2, 1), { ...roomy, quietUntil: 1000, plannedEosCount: 6 })).toBe(1);
  });

  it('refuses prefills, requests without known outputs, and stop token ids', () => {
    const prefill = decoding(10, 2, 0);
    prefill.numComputedTokens = 5;
    expect(steadyStepsAfter(prefill, { ...roomy, quietUntil: 1000 })).toBe(0);
    expect(steadyStepsAfter(decoding(10, 0, 1), { ...roomy, quietUntil: 1000 })).toBe(0);
    expect(steadyStepsAfter(decoding(10, 2, 0, { stopTokenIds: [5] }), { ...roomy, quietUntil: 1000 })).toBe(0);
  });

  it('refuses a request whose outputs left their run: a steady step appends the run', () => {
    const left = decoding(10, 1, 0);
    expect(left.outputsAreRun).toBe(true);
    left.appendOutputToken(1234); // not syntheticToken(KEY, 11)
    left.numComputedTokens = left.numTokens - 1;
    expect(left.outputsAreRun).toBe(false);
    expect(steadyStepsAfter(left, { ...roomy, quietUntil: 1000 })).toBe(0);
  });
});

describe('SteadyMarks', () => {
  it('keeps marks aligned with the running list through pushes, removals and clearing', () => {
    const marks = new SteadyMarks(8);
    const inUse = (values: Float64Array | Uint8Array | Int32Array) => Array.from(values.subarray(marks.base, marks.base + marks.length));
    for (let k = 0; k < 4; k++) marks.push(100 + k);
    marks.mark(1, 9, 12, -3, true);
    marks.mark(3, 7, 7, 2, false);
    marks.removeAt(0); // positions shift down
    expect(inUse(marks.until)).toEqual([9, 0, 7]);
    // A finished request leaves from the middle: position 2 moves to 1.
    marks.removeAt(1);
    expect(inUse(marks.until)).toEqual([9, 7]);
    expect(inUse(marks.offset)).toEqual([-3, 2]);
    expect(inUse(marks.stopUntil)).toEqual([12, 7]);
    expect(inUse(marks.streamed)).toEqual([1, 0]);
    expect(inUse(marks.indexes)).toEqual([101, 103]);
    marks.clear(0);
    expect(inUse(marks.until)).toEqual([0, 7]);
    expect(marks.length).toBe(2);
    expect(() => marks.removeAt(2)).toThrow(/internal/);
  });

  it('hold as many as their capacity, keeping every mark, and no more', () => {
    const marks = new SteadyMarks(200);
    for (let k = 0; k < 200; k++) {
      marks.push(k);
      marks.mark(k, k + 1, k + 2, -k, k % 3 !== 0);
    }
    marks.removeAt(0);
    expect(marks.length).toBe(199);
    const b = marks.base;
    expect(Array.from(marks.until.subarray(b, b + 199))).toEqual(Array.from({ length: 199 }, (_, k) => k + 2));
    expect(marks.offset[b + 198]).toBe(-199);
    expect(marks.indexes[b + 198]).toBe(199);
    marks.push(200);
    expect(() => marks.push(201)).toThrow(/internal/);
    expect([marks.markedCount, marks.markedOffsets, marks.markedStreamed]).toEqual([199, -19900, 133]) // k % 3 === 0 for 67 of k = 0..199, k = 0 removed;
  });

  it('slide their window on when the front leaves, and back when it reaches the end, keeping every mark', () => {
    // As the running list of a long run: requests join at the back and leave from the front.
    const marks = new SteadyMarks(4);
    const positions = () => Array.from({ length: marks.length }, (_, p) => [marks.indexes[marks.base + p], marks.until[marks.base + p]]);
    for (let k = 0; k < 3; k++) {
      marks.push(k);
      marks.mark(k, 10 + k, 20, k, true);
    }
    const bases = new Set<number>();
    for (let k = 3; k < 30; k++) {
      marks.removeAt(0);
      marks.push(k);
      marks.mark(2, 10 + k, 20, k, true);
      bases.add(marks.base);
      expect(positions()).toEqual([k - 2, k - 1, k].map((index) => [index, 10 + index]));
      expect([marks.markedCount, marks.markedOffsets]).toEqual([3, 3 * k - 3]);
    }
    // The window moved through the arrays (8 entries) and back to their start.
    expect(Math.max(...bases)).toBe(5);
    expect(bases.has(0)).toBe(true);
    // A removal inside the window moves the entries after it down.
    marks.removeAt(1);
    expect(positions()).toEqual([[27, 37], [29, 39]]);
  });

  it('keep running totals of the marked positions: count, offsets, streamed', () => {
    const marks = new SteadyMarks(8);
    const totals = () => [marks.markedCount, marks.markedOffsets, marks.markedStreamed];
    for (let k = 0; k < 4; k++) marks.push(100 + k);
    marks.mark(0, 9, 12, -3, true);
    marks.mark(2, 7, 7, 5, false);
    marks.mark(3, 8, 8, 11, true);
    expect(totals()).toEqual([3, 13, 2]);
    marks.mark(3, 9, 9, 20, false); // marked again: replaces its old values
    expect(totals()).toEqual([3, 22, 1]);
    marks.removeAt(1); // unmarked: totals unchanged
    expect(totals()).toEqual([3, 22, 1]);
    marks.removeAt(0);
    expect(totals()).toEqual([2, 25, 0]);
    marks.clear(0);
    marks.clear(0); // clearing twice takes it out once
    expect(totals()).toEqual([1, 20, 0]);
    expect(() => marks.mark(0, 0, 0, 0, true)).toThrow(/internal/);
  });
});

describe('steady decodes in a scheduler', () => {
  /**
   * A lone request (10-token prompt, 30 outputs) run to its end: the steps that list it, and the
   * stretches reported. Async: each batch is updated after the next one is scheduled, as the
   * engine does.
   */
  function runLone(outputKeyIsPrivate: boolean, asyncScheduling = false) {
    const config = {
      maxNumSeqs: 4,
      maxNumBatchedTokens: 64,
      maxModelLen: 256,
      enableChunkedPrefill: true,
      longPrefillTokenThreshold: 0,
      policy: 'fcfs',
      blockSize: 4,
      numGpuBlocks: 64,
      enablePrefixCaching: true,
    } as const;
    const scheduler = asyncScheduling ? new AsyncScheduler(config) : new Scheduler(config);
    const reported: [number, number][] = [];
    scheduler.enableSteadyDecodes({
      plannedEosCount: () => -1,
      streamed: () => true,
      steadyOutputs: (_request, from, to) => reported.push([from, to]),
    });
    const request = new SimRequest(
      { index: 0, requestId: 'r', prompt: TokenContent.run(KEY, 0, 10), outputKey: KEY, outputKeyIsPrivate, maxTokens: 30, arrivalTimeNs: 0, eosTokenId: 2 },
      4,
      true,
    );
    scheduler.addRequest(request, 0);
    const listedIn: number[] = [];
    let steadyOutputs = 0;
    const schedule = () => {
      const output = scheduler.schedule(0);
      if (output.scheduledRequests.length > 0) listedIn.push(output.step);
      steadyOutputs += output.steady.count;
      return output;
    };
    const sample = (r: SimRequest) => syntheticToken(KEY, r.numTokens);
    let inFlight: SchedulerOutput | undefined = schedule();
    while (inFlight !== undefined) {
      const next = asyncScheduling && scheduler.hasUnfinishedRequests() ? schedule() : undefined;
      scheduler.updateFromOutput(inFlight, sample, 0);
      scheduler.checkInvariants();
      inFlight = next ?? (scheduler.hasRequests() ? schedule() : undefined);
    }
    return { listedIn, steadyOutputs, reported, request };
  }

  it('keep a lone decode steady through its block boundaries: listed only in the steps that start and stop it', () => {
    const { listedIn, steadyOutputs, reported, request } = runLone(false);
    // Step 1 prefills the 10-token prompt and samples output 1; steps 2-29 sample outputs 2-29
    // (block boundaries every 4 tokens included); step 30 samples output 30 = max_tokens.
    expect(listedIn).toEqual([1, 30]);
    expect(steadyOutputs).toBe(28);
    expect(request.numOutputTokens).toBe(30);
    // Its blocks are shared content (registered with their hashes), so each boundary ends a
    // stretch; the stretches cover steps 2-29 without gaps or overlaps.
    expect(reported.length).toBeGreaterThan(1);
    expect(reported[0]![0]).toBe(2);
    expect(reported.at(-1)![1]).toBe(29);
    for (let k = 1; k < reported.length; k++) expect(reported[k]![0]).toBe(reported[k - 1]![1] + 1);
  });

  it('carry a decode of private content across its block boundaries in one stretch (no hash needed there)', () => {
    const { listedIn, steadyOutputs, reported, request } = runLone(true);
    expect(listedIn).toEqual([1, 30]);
    expect(steadyOutputs).toBe(28);
    expect(request.numOutputTokens).toBe(30);
    expect(reported).toEqual([[2, 29]]);
  });

  it('carry it in one stretch under async scheduling too, whose block registrations lag a step', () => {
    const { steadyOutputs, reported, request } = runLone(true, true);
    expect(request.numOutputTokens).toBe(30);
    expect(reported).toHaveLength(1);
    const [from, to] = reported[0]!;
    expect(to - from + 1).toBe(steadyOutputs);
    expect(steadyOutputs).toBeGreaterThanOrEqual(26);
  });
});

describe('SteadyDecodes.materialize', () => {
  /**
   * A request (10 prompt tokens, 2 outputs, computed 11) steady from step 1 through step 3, built
   * and updated as `flow` says; returns the token count its stretch's end asks the KV cache
   * manager to count cached blocks within (settleSteady).
   */
  function settledTokens(async: boolean, flow: (sd: SteadyDecodes, build: (step: number) => void) => void): number {
    const request = decoding(10, 2, 0);
    request.lastSampledStep = 0;
    const settled: number[] = [];
    const kv = { allocateSteadySlot: () => -1, settleSteady: (_: SimRequest, tokens: number) => void settled.push(tokens) };
    const hooks = { plannedEosCount: () => -1, streamed: () => false, steadyOutputs: () => {} };
    const sd = new SteadyDecodes(hooks, kv, 4096, async, [request], 8);
    expect(sd.join(0, request, 1, 1, 1000)).toBe(true);
    const build = (step: number) => {
      const entries = new SteadyEntries();
      entries.add(1, 0, 0);
      sd.built(step, entries);
    };
    flow(sd, build);
    sd.materialize(request);
    expect(settled.length).toBe(1);
    return settled[0]!;
  }

  it('settles what the last step allocated for, sync: all of its c + 1 tokens known', () => {
    // Steps 1-3 computed positions 11, 12, 13: the last allocated for c + 1 = 14 tokens, all known.
    const tokens = settledTokens(false, (sd, build) => {
      for (const step of [1, 2, 3]) {
        build(step);
        sd.updated(step);
      }
    });
    expect(tokens).toBe(14);
  });

  it('settles, under async scheduling, the later of the last allocation and the last output', () => {
    // Step 3 was scheduled while step 2 ran: it allocated for min(c + 1, known) = min(14, 13).
    // Step 2's output then made 13 tokens known (c' + 1 after step 2's c' = 12): 13 either way.
    const inFlight = settledTokens(true, (sd, build) => {
      build(1);
      build(2);
      sd.updated(1);
      build(3);
      sd.updated(2);
    });
    expect(inFlight).toBe(13);
    // Once step 3's own output is in too, it made all 14 known, which vLLM caches on arrival.
    const arrived = settledTokens(true, (sd, build) => {
      build(1);
      build(2);
      sd.updated(1);
      build(3);
      sd.updated(2);
      sd.updated(3);
    });
    expect(arrived).toBe(14);
  });
});
