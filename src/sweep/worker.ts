// A sweep worker thread: runs the jobs the main thread posts, one at a time, and posts each result
// back under the job's id. It holds no state between jobs, so which worker ran a job never matters.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../scenario/problems.js';
import { runPoint, type RunJob, type ScenarioSource } from './run-point.js';
import type { WorkerReply } from './pool.js';

const source = workerData as ScenarioSource;
const port = parentPort;
if (port === null) throw new Error('internal: sweep worker started outside a worker thread');

port.on('message', (job: RunJob) => {
  runPoint(source, job).then(
    (outcome) => port.postMessage({ id: job.id, ok: true, outcome } satisfies WorkerReply),
    (error: unknown) => {
      const reply: WorkerReply =
        error instanceof InputError
          ? { id: job.id, ok: false, problems: error.problems, message: error.message }
          : { id: job.id, ok: false, message: (error as Error).stack ?? String(error) };
      port.postMessage(reply);
    },
  );
});
