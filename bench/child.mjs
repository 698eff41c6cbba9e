// One benchmark case, run as its own process: simulate a scenario and print what it cost.
// Usage: node bench/child.mjs SCENARIO [KEY=VALUE ...]
import { loadScenario } from '../dist/scenario/load.js';
import { runSimulation } from '../dist/server/simulation.js';

const [file, ...overrides] = process.argv.slice(2);
const wallStart = process.hrtime.bigint();
const { config } = loadScenario(file, overrides);
const result = await runSimulation(config);
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
  }) + '\n',
);
