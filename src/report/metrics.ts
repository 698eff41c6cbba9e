// Collects per-request latencies and per-step statistics as the simulation runs, and turns them
// into the run summary. Latencies are measured where a client measures them: at the frontend.
import { LogHistogram } from './log-histogram.js';

/** A growable Float64Array: 8 bytes per value, no boxing. */
export class Samples {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

export interface StepStats {
  readonly durationNs: number;
  readonly kvUsage: number;
  readonly numPreempted: number;
  readonly numRunning: number;
  readonly numWaiting: number;
}

/** Latencies of one priority class (reported when a workload mixes priorities). */
export class ClassSamples {
  completed = 0;
  readonly ttftNs = new Samples();
  readonly e2eNs = new Samples();
}

export class MetricsCollector {
  readonly ttftNs = new Samples();
  readonly tpotNs = new Samples();
  readonly e2eNs = new Samples();
  readonly queueNs = new Samples();
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

  onStep(stats: StepStats): void {
    this.steps++;
    this.preemptions += stats.numPreempted;
    this.kvUsageSum += stats.kvUsage;
    if (stats.kvUsage > this.peakKvUsage) this.peakKvUsage = stats.kvUsage;
    if (stats.numRunning > this.peakRunning) this.peakRunning = stats.numRunning;
    if (stats.numWaiting > this.peakWaiting) this.peakWaiting = stats.numWaiting;
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
    let cls = this.byPriority.get(r.priority);
    if (cls === undefined) this.byPriority.set(r.priority, (cls = new ClassSamples()));
    cls.completed++;
    cls.ttftNs.push(r.firstOutputNs - r.arrivalNs);
    cls.e2eNs.push(r.doneNs - r.arrivalNs);
    this.completed++;
    if (r.status === 'stopped') this.finishedStopped++;
    else this.finishedLength++;
    this.inputTokens += r.promptTokens;
    this.outputTokens += r.outputTokens;
    this.ttftNs.push(r.firstOutputNs - r.arrivalNs);
    this.e2eNs.push(r.doneNs - r.arrivalNs);
    this.queueNs.push(r.queueNs);
    if (r.outputTokens > 1) this.tpotNs.push((r.doneNs - r.firstOutputNs) / (r.outputTokens - 1));
    if (r.doneNs > this.lastCompletionNs) this.lastCompletionNs = r.doneNs;
  }
}
