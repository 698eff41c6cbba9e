// The sweep benchmark case, run as its own process: a sweep on every core through the worker pool,
// exactly as `simtrace sweep` runs it, and what it cost (CPU includes the worker threads).
// Usage: node bench/sweep-child.mjs SCENARIO --vary KEY=VALUES ... [--set KEY=VALUE ...]
import { availableParallelism } from 'node:os';
import { parseAxes } from '../dist/sweep/axes.js';
import { readSource } from '../dist/sweep/options.js';
import { withPool } from '../dist/sweep/pool.js';
import { runSweep } from '../dist/sweep/sweep.js';

const args = process.argv.slice(2);
const file = args.shift();
const vary = [];
const sets = [];
while (args.length > 0) {
  const flag = args.shift();
  (flag === '--vary' ? vary : sets).push(args.shift());
}
const wallStart = process.hrtime.bigint();
const { source, name } = readSource(file, sets, undefined);
const axes = parseAxes(vary);
const workers = availableParallelism();
const frame = await withPool(source, workers, (pool) => runSweep({ source, scenario: name, axes, seeds: 1, slos: [] }, pool));
const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
const usage = process.resourceUsage();
const sum = (metric) => frame.points.reduce((total, point) => total + point.metrics[metric], 0);
process.stdout.write(
  JSON.stringify({
    points: frame.points.length,
    workers,
    requests: sum('num_requests'),
    completed: sum('completed'),
    steps: sum('num_steps'),
    simSeconds: sum('duration_s'),
    wallSeconds,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    peakRssMb: usage.maxRSS / 1024,
  }) + '\n',
);
