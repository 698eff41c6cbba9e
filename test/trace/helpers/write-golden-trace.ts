// Child-process entry: writes the golden run to the file named in argv[2]. Run with
// `node --import ./test/trace/helpers/register-ts.mjs` so the environment can be varied per process.
import { createTraceRecorder, JsonlFileSink } from '../../../src/trace/index.js';
import { driveGoldenRun, goldenRecorderOptions } from './golden-run.js';

const out = process.argv[2];
if (out === undefined) throw new Error('usage: write-golden-trace.ts OUT');
await driveGoldenRun(createTraceRecorder(goldenRecorderOptions([new JsonlFileSink({ path: out })])));
