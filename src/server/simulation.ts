// Runs one scenario: workload -> frontend -> engine core on the event calendar, and the summary.
// Arrivals are pulled from the workload lazily, one ahead, so a million-request workload never
// sits in memory.
import { EventCalendar } from '../engine/calendar.js';
import { RandomStreams } from '../engine/random.js';
import { MetricsCollector } from '../report/metrics.js';
import { buildSummary, type RunSummary } from '../report/summary.js';
import type { TraceRecorder, TraceStats } from '../trace/records.js';
import type { RequestSpec } from '../workload/request-spec.js';
import { EngineCore } from './engine-core.js';
import { engineInput, PRIORITY, type SimEvent } from './events.js';
import { Frontend } from './frontend.js';
import type { SimulationConfig } from './scenario-config.js';
import type { ServedRequest } from './served-request.js';

/** Events between two looks at `shouldStop` (a power of two minus one). */
const YIELD_EVERY_MASK = 4095;

export interface RunOptions {
  /** Seed override (--seed). */
  readonly seed?: number;
  readonly trace?: TraceRecorder | null;
  /** Check the scheduler's written invariants after every step (tests; slower). */
  readonly checkInvariants?: boolean;
  /**
   * The scheduler's steady-decode fast path (scheduler/steady-decodes.ts), on by default. Its
   * output is identical; tests turn it off to check exactly that.
   */
  readonly steadyDecodes?: boolean;
  /**
   * Prompts and outputs as token runs (EngineOptions.tokenRuns), on by default. Its output is
   * identical; tests turn it off to check exactly that.
   */
  readonly tokenRuns?: boolean;
  /** Stop the run at this virtual time (ns); the summary says it is partial. */
  readonly maxSimTimeNs?: number;
  /**
   * Asked every few thousand events, after yielding to the event loop; true stops the run early
   * (SIGINT, wall-clock timeout). The trace is then closed normally: whole spans only.
   */
  readonly shouldStop?: () => boolean;
}

export interface RunResult {
  readonly summary: RunSummary;
  readonly traceStats?: TraceStats;
  readonly endTimeNs: number;
  readonly steps: number;
}

export async function runSimulation(config: SimulationConfig, options: RunOptions = {}): Promise<RunResult> {
  const seed = options.seed ?? config.seed;
  const streams = new RandomStreams(seed);
  const calendar = new EventCalendar<SimEvent>();
  const metrics = new MetricsCollector();
  const trace = options.trace ?? null;
  const frontend = new Frontend(config, streams, calendar, metrics, trace);
  const engine = new EngineCore(config, streams, calendar, frontend, metrics, trace, options);

  const arrivals = config.workload(streams)[Symbol.iterator]();
  let lastArrivalNs = 0;
  const scheduleNextArrival = () => {
    const next: IteratorResult<RequestSpec> = arrivals.next();
    if (next.done) return;
    if (next.value.arrivalNs < lastArrivalNs) {
      throw new Error(`internal: workload arrivals out of order (${next.value.arrivalNs} < ${lastArrivalNs})`);
    }
    lastArrivalNs = next.value.arrivalNs;
    calendar.schedule(next.value.arrivalNs, PRIORITY.ARRIVAL, { kind: 'arrival', spec: next.value });
  };
  scheduleNextArrival();
  // An arrived request's add reaches the engine after the input delay. Without one, its input event
  // would be the next to run unless one due before it is on the calendar, the workload's next
  // arrival included (hence after scheduleNextArrival): the engine then receives it at once, one
  // event fewer per request (issue 9).
  const handOver = (served: ServedRequest, nowNs: number) => {
    const atNs = nowNs + frontend.inputDelay;
    if (atNs === nowNs && calendar.nextWouldBe(nowNs, PRIORITY.ENGINE_INPUT)) engine.receive('add', served, nowNs);
    else calendar.schedule(atNs, PRIORITY.ENGINE_INPUT, engineInput('add', served.index));
  };

  let nowNs = 0;
  let partial = false;
  let processed = 0;
  for (;;) {
    const entry = calendar.peek();
    if (entry === undefined) break;
    if (options.maxSimTimeNs !== undefined && entry.timeNs > options.maxSimTimeNs) {
      partial = true;
      nowNs = options.maxSimTimeNs;
      break;
    }
    if (options.shouldStop !== undefined && (++processed & YIELD_EVERY_MASK) === 0) {
      // Let the event loop run (signal handlers, timers) every few thousand events; the count,
      // not the wall clock, decides when, so the output stays deterministic.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (options.shouldStop()) {
        partial = true;
        break;
      }
    }
    calendar.pop();
    nowNs = entry.timeNs;
    const event = entry.payload;
    switch (event.kind) {
      case 'arrival': {
        const arrived = frontend.arrive(event.spec, nowNs);
        scheduleNextArrival();
        if (arrived !== undefined) handOver(arrived, nowNs);
        break;
      }
      case 'follow-up': {
        const arrived = frontend.arrive(event.spec, nowNs);
        if (arrived !== undefined) handOver(arrived, nowNs);
        break;
      }
      case 'client-abort':
        frontend.clientAbort(event.index, nowNs);
        break;
      case 'engine-input': {
        const served = frontend.live.get(event.index);
        if (served !== undefined) engine.receive(event.input, served, nowNs);
        break;
      }
      // The engine may run the steps that follow by itself (EngineCore.runIterations): the time
      // reached is that of the last event it ran.
      case 'step-begin':
        nowNs = engine.stepBegin(nowNs);
        break;
      case 'step-trace':
        engine.traceStep(event.record);
        break;
      case 'step-end':
        nowNs = engine.stepEnd(event.output, nowNs);
        break;
      case 'frontend-output':
        frontend.receive(event.outputs, nowNs);
        break;
    }
  }

  const traceStats = trace !== null ? await trace.close(nowNs, engine.lastStep) : undefined;
  const kvStats = engine.scheduler.kv.prefixCacheStats;
  const summary = buildSummary(metrics, {
    scenario: config.name,
    seed,
    partial,
    durationNs: nowNs,
    prefixQueries: kvStats.queries + kvStats.preemptedQueries,
    prefixHits: kvStats.hits + kvStats.preemptedHits,
  });
  return {
    summary: traceStats
      ? { ...summary, trace: { spans: traceStats.spans, events: traceStats.events, undelivered_spans: traceStats.undeliveredSpans } }
      : summary,
    ...(traceStats ? { traceStats } : {}),
    endTimeNs: nowNs,
    steps: engine.lastStep,
  };
}
