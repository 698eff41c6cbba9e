// One benchmark case, run as its own process: simulate a scenario and print what it did (the whole
// process's CPU and peak RSS come from bench/usage.cjs, its wall time from bench/run.mjs).
// Usage: node bench/child.cjs SCENARIO [--trace-out PATH] [--otlp-endpoint URL] [--retained] [KEY=VALUE ...]
//        node bench/child.cjs --replay TRACE [...]   (a trace on replay's built-in base, as `simtrace replay`)
// --retained: after 65,536 events, 131,072, 262,144 and so on, collect all garbage and note the heap
// left, which is what the run holds then; the largest is reported (retainedHeapMb). The
// collections cost time, so a case with --retained measures memory, not speed. A run too short to
// reach the first of them (under 65,536 events) has no such measure: it exits with an error rather
// than report 0.
// It loads the simulator as the CLI does (bin/load-bundle.cjs): from the bundle when that is
// current, so that a case starts as `simtrace run` does; and it is CommonJS, as bin/simtrace.js is.
'use strict';
const { runInNewContext } = require('node:vm');
const { setFlagsFromString } = require('node:v8');
const { loadBundle } = require('../bin/load-bundle.cjs');

async function benchChild() {
  const bundle = loadBundle('bench-entry');
  const bundled = bundle !== undefined;
  const { runBenchSimulation } = bundle ?? (await import('../dist/cli/bench-entry.js'));

  const args = process.argv.slice(2);
  const replay = args[0] === '--replay' ? (args.shift(), args.shift()) : undefined;
  const scenario = replay === undefined ? args.shift() : undefined;
  const trace = { traceOut: undefined, otlpEndpoint: undefined };
  const overrides = [];
  let retained;
  while (args.length > 0) {
    const arg = args.shift();
    if (arg === '--trace-out') trace.traceOut = args.shift();
    else if (arg === '--otlp-endpoint') trace.otlpEndpoint = args.shift();
    else if (arg === '--retained') retained = 0;
    else overrides.push(arg);
  }
  let everyFewThousandEvents;
  if (retained !== undefined) {
    // A full collection on demand (the gc() of --expose-gc) at the 16th call (the run calls every
    // 4,096 events), the 32nd, the 64th and so on: a few for any run length, since each costs time.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc');
    let calls = 0;
    let nextAt = 16;
    everyFewThousandEvents = () => {
      if (++calls < nextAt) return;
      nextAt *= 2;
      gc();
      retained = Math.max(retained, process.memoryUsage().heapUsed);
    };
  }
  const wallStart = process.hrtime.bigint();
  const { result } = await runBenchSimulation({ scenario, replay, overrides, trace, everyFewThousandEvents });
  const runWallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  if (retained === 0) throw new Error('--retained: the run ended before its first collection (65,536 events); nothing was measured');
  const usage = process.resourceUsage();
  process.stdout.write(
    JSON.stringify({
      requests: result.summary.num_requests,
      completed: result.summary.completed,
      steps: result.steps,
      simSeconds: result.endTimeNs / 1e9,
      runWallSeconds,
      cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
      peakRssMb: usage.maxRSS / 1024,
      spans: result.traceStats?.spans ?? 0,
      events: result.traceStats?.events ?? 0,
      undelivered: result.traceStats?.undeliveredSpans ?? 0,
      bundled,
      ...(retained !== undefined ? { retainedHeapMb: retained / 1e6 } : {}),
    }) + '\n',
  );
}

benchChild().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
