// One benchmark case, run as its own process: simulate a scenario and print what it cost.
// Usage: node bench/child.mjs SCENARIO [--trace-out PATH] [--otlp-endpoint URL] [KEY=VALUE ...]
//        node bench/child.mjs --replay TRACE [...]   (a trace on replay's built-in base, as `simtrace replay`)
import { createCliTraceRecorder } from '../dist/cli/trace-setup.js';
import { loadReplayScenario } from '../dist/compare/replay-scenario.js';
import { loadScenario } from '../dist/scenario/load.js';
import { runSimulation } from '../dist/server/simulation.js';

const args = process.argv.slice(2);
const replayed = args[0] === '--replay' ? (args.shift(), args.shift()) : undefined;
const file = replayed === undefined ? args.shift() : undefined;
const flags = {};
const overrides = [];
while (args.length > 0) {
  const arg = args.shift();
  if (arg === '--trace-out') flags.traceOut = args.shift();
  else if (arg === '--otlp-endpoint') flags.otlpEndpoint = args.shift();
  else overrides.push(arg);
}
const wallStart = process.hrtime.bigint();
const { config } = replayed === undefined ? loadScenario(file, overrides) : loadReplayScenario({ trace: replayed, set: overrides });
const { recorder } = createCliTraceRecorder(config, config.seed, { traceOut: flags.traceOut, otlpEndpoint: flags.otlpEndpoint });
const result = await runSimulation(config, { trace: recorder });
const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
const usage = process.resourceUsage();
process.stdout.write(
  JSON.stringify({
    requests: result.summary.num_requests,
    completed: result.summary.completed,
    steps: result.steps,
    simSeconds: result.endTimeNs / 1e9,
    wallSeconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    peakRssMb: usage.maxRSS / 1024,
    spans: result.traceStats?.spans ?? 0,
    events: result.traceStats?.events ?? 0,
    undelivered: result.traceStats?.undeliveredSpans ?? 0,
  }) + '\n',
);
