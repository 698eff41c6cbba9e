// Collects per-request latencies and per-step statistics as the simulation runs, and turns them
// into the run summary. Latencies are measured where a client measures them: at the frontend.
import { LatencySamples } from './latency-samples.js';
import { LogHistogram } from './log-histogram.js';

/** Latencies of one priority class (reported when a workload mixes priorities). */
export class ClassSamples {
  completed = 0;

  constructor(
    public ttftNs: LatencySamples,
    public e2eNs: LatencySamples,
  ) {}
}

export class MetricsCollector {
  readonly ttftNs = new LatencySamples();
  readonly tpotNs = new LatencySamples();
  readonly e2eNs = new LatencySamples();
  readonly queueNs = new LatencySamples();
  readonly itlNs = new LogHistogram();
  arrived = 0;
  rejected = 0;
  completed = 0;
  aborted = 0;
  finishedStopped = 0;
  finishedLength = 0;
  inputTokens = 0;
  outputTokens = 0;
  steps = 0;
  preemptions = 0;
  peakKvUsage = 0;
  private kvUsageSum = 0;
  peakRunning = 0;
  peakWaiting = 0;
  firstArrivalNs = Number.NaN;
  /** Per priority value, in first-seen order. */
  readonly byPriority = new Map<number, ClassSamples>();
  lastCompletionNs = 0;

  onArrival(timeNs: number): void {
    this.arrived++;
    if (Number.isNaN(this.firstArrivalNs)) this.firstArrivalNs = timeNs;
  }

  /** A step was scheduled (its numbers as arguments, not an object: one call per step, issue 9). */
  onStep(kvUsage: number, numPreempted: number, numRunning: number, numWaiting: number): void {
    this.steps++;
    this.preemptions += numPreempted;
    this.kvUsageSum += kvUsage;
    if (kvUsage > this.peakKvUsage) this.peakKvUsage = kvUsage;
    if (numRunning > this.peakRunning) this.peakRunning = numRunning;
    if (numWaiting > this.peakWaiting) this.peakWaiting = numWaiting;
  }

  meanKvUsage(): number {
    return this.steps === 0 ? 0 : this.kvUsageSum / this.steps;
  }

  /** A request completed normally (stopped or length) with these client-side times. */
  onCompleted(r: {
    arrivalNs: number;
    firstOutputNs: number;
    doneNs: number;
    promptTokens: number;
    outputTokens: number;
    queueNs: number;
    status: 'stopped' | 'length';
    priority: number;
  }): void {
    const cls = this.classOf(r.priority);
    cls.completed++;
    const ttftNs = r.firstOutputNs - r.arrivalNs;
    const e2eNs = r.doneNs - r.arrivalNs;
    // A sole class shares the run's own samples (see classOf): pushing there again would count twice.
    if (cls.ttftNs !== this.ttftNs) {
      cls.ttftNs.push(ttftNs);
      cls.e2eNs.push(e2eNs);
    }
    this.completed++;
    if (r.status === 'stopped') this.finishedStopped++;
    else this.finishedLength++;
    this.inputTokens += r.promptTokens;
    this.outputTokens += r.outputTokens;
    this.ttftNs.push(ttftNs);
    this.e2eNs.push(e2eNs);
    this.queueNs.push(r.queueNs);
    if (r.outputTokens > 1) this.tpotNs.push((r.doneNs - r.firstOutputNs) / (r.outputTokens - 1));
    if (r.doneNs > this.lastCompletionNs) this.lastCompletionNs = r.doneNs;
  }

  /**
   * The class of a priority value. While a run has seen only one priority, that class's latencies
   * are the run's own, so it shares the run's samples instead of storing them twice (most runs
   * never see a second priority, and by_priority is only reported when they do). When a second
   * priority appears, the first class gets copies of the run's samples as they are, which hold
   * exactly the values it would have pushed itself, in the same order.
   */
  private classOf(priority: number): ClassSamples {
    const known = this.byPriority.get(priority);
    if (known !== undefined) return known;
    for (const sole of this.byPriority.values()) {
      if (sole.ttftNs === this.ttftNs) {
        sole.ttftNs = this.ttftNs.clone();
        sole.e2eNs = this.e2eNs.clone();
      }
    }
    const cls =
      this.byPriority.size === 0
        ? new ClassSamples(this.ttftNs, this.e2eNs)
        : new ClassSamples(new LatencySamples(), new LatencySamples());
    this.byPriority.set(priority, cls);
    return cls;
  }
}
