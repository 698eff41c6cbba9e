// Runs sweep jobs on worker threads. The main thread queues jobs (first in, first out), hands each
// to an idle worker, and resolves the job's promise with the worker's reply; callers store results
// by job id, so the output never depends on how many workers there are or which finished first.
// Workers are started on demand up to the pool size, and a job the pool was given is never lost:
// a worker that dies fails its job, not the pool.
import { Worker } from 'node:worker_threads';
import { InputError, type Problem } from '../scenario/problems.js';
import type { RunJob, RunOutcome, ScenarioSource } from './run-point.js';

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly outcome: RunOutcome }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly problems?: readonly Problem[] };

interface Pending {
  readonly job: RunJob;
  readonly resolve: (outcome: RunOutcome) => void;
  readonly reject: (error: Error) => void;
}

/** The compiled worker beside this module (dist/sweep/worker.js): workers run built code. */
const WORKER_URL = new URL('./worker.js', import.meta.url);

export class RunPool {
  private readonly queue: Pending[] = [];
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private closed = false;

  constructor(
    private readonly source: ScenarioSource,
    readonly size: number,
    private readonly workerUrl: URL = WORKER_URL,
  ) {
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`internal: pool size ${size}`);
  }

  run(job: RunJob): Promise<RunOutcome> {
    if (this.closed) return Promise.reject(new Error('internal: job given to a closed pool'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; jobs still queued or running are failed. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of [...this.queue.splice(0), ...this.busy.values()]) pending.reject(new Error('the sweep was stopped'));
    const workers = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.busy.size < this.size ? this.spawn() : undefined);
      if (worker === undefined) return;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.postMessage(pending.job);
    }
  }

  private spawn(): Worker {
    const worker = new Worker(this.workerUrl, { workerData: this.source });
    worker.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
    worker.on('error', (error) => this.onFailure(worker, error));
    worker.on('exit', (code) => {
      if (!this.closed) this.onFailure(worker, new Error(`internal: a sweep worker exited with code ${code}`));
    });
    return worker;
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const pending = this.busy.get(worker);
    if (pending === undefined || pending.job.id !== reply.id) throw new Error(`internal: reply for job ${reply.id} from a worker not running it`);
    this.busy.delete(worker);
    this.idle.push(worker);
    if (reply.ok) pending.resolve(reply.outcome);
    else pending.reject(reply.problems !== undefined ? new InputError(reply.problems) : new Error(reply.message));
    this.dispatch();
  }

  /** A worker crashed: fail its job, forget the worker (a new one starts if work remains). */
  private onFailure(worker: Worker, error: Error): void {
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    pending?.reject(error);
    if (!this.closed) this.dispatch();
  }
}

/** Runs `body` with a pool of `size` workers, and stops the workers however `body` ends. */
export async function withPool<T>(source: ScenarioSource, size: number, body: (pool: RunPool) => Promise<T>): Promise<T> {
  const pool = new RunPool(source, size);
  try {
    return await body(pool);
  } finally {
    await pool.close();
  }
}
