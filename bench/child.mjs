// One benchmark case, run as its own process: simulate a scenario and print what it did (the whole
// process's CPU and peak RSS come from bench/usage.cjs, its wall time from bench/run.mjs).
// Usage: node bench/child.mjs SCENARIO [--trace-out PATH] [--otlp-endpoint URL] [KEY=VALUE ...]
//        node bench/child.mjs --replay TRACE [...]   (a trace on replay's built-in base, as `simtrace replay`)
// It loads the simulator as the CLI does (bin/load-bundle.mjs): from the bundle when that is
// current, so that a case starts as `simtrace run` does.
import { loadBundle } from '../bin/load-bundle.mjs';

const bundle = loadBundle('bench-entry');
const bundled = bundle !== undefined;
const { runBenchSimulation } = bundle ?? (await import('../dist/cli/bench-entry.js'));

const args = process.argv.slice(2);
const replay = args[0] === '--replay' ? (args.shift(), args.shift()) : undefined;
const scenario = replay === undefined ? args.shift() : undefined;
const trace = { traceOut: undefined, otlpEndpoint: undefined };
const overrides = [];
while (args.length > 0) {
  const arg = args.shift();
  if (arg === '--trace-out') trace.traceOut = args.shift();
  else if (arg === '--otlp-endpoint') trace.otlpEndpoint = args.shift();
  else overrides.push(arg);
}
const wallStart = process.hrtime.bigint();
const { result } = await runBenchSimulation({ scenario, replay, overrides, trace });
const runWallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
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
  }) + '\n',
);
