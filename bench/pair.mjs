// `npm run bench:pair -- --against DIR`: compare this checkout's speed with another's (DIR, built:
// `npm run build` there) on the BLIS anchor workload, by running both at the same time, one per
// core, several times. On a shared machine whose speed drifts by tens of percent between minutes,
// runs one after the other cannot show a 10 % change; runs side by side see the same machine.
// Each side runs its own bench child (so its own build, bundled as `simtrace run` loads it; older
// checkouts have bench/child.mjs) on this checkout's scenario file, so both simulate exactly the
// same workload. Where `taskset` exists
// each side is pinned to one CPU, and the sides swap CPUs from one pair to the next: the two CPUs of
// a VM need not be equally busy, and with swapping that difference falls on both sides alike.
//
// Options: --against DIR (required), --count N (requests, default 50000), --pairs K (default 6),
// --traced (every journey and 1 % of steps to a file, as the bench's traced case).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const TRACED = ['observability.enable_journey_tracing=true', 'observability.step_tracing_enabled=true', 'observability.step_tracing_sample_rate=0.01'];

function parseArgs(argv) {
  const options = { against: undefined, count: 50_000, pairs: 6, traced: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--against') options.against = argv[++i];
    else if (arg === '--count') options.count = Number(argv[++i]);
    else if (arg === '--pairs') options.pairs = Number(argv[++i]);
    else if (arg === '--traced') options.traced = true;
    else throw new Error(`bench:pair: unknown option ${arg}`);
  }
  if (options.against === undefined) throw new Error('bench:pair: --against DIR (another checkout, built) is required');
  if (childOf(options.against) === undefined) throw new Error(`bench:pair: ${options.against} has no bench/child.cjs or bench/child.mjs`);
  if (!(Number.isInteger(options.count) && options.count > 0)) throw new Error('bench:pair: --count expects a positive integer');
  if (!(Number.isInteger(options.pairs) && options.pairs > 0)) throw new Error('bench:pair: --pairs expects a positive integer');
  return options;
}

/** A checkout's bench child: bench/child.cjs, or bench/child.mjs in checkouts from before it was CommonJS. */
function childOf(root) {
  return ['child.cjs', 'child.mjs'].map((name) => join(root, 'bench', name)).find((path) => existsSync(path));
}

const TASKSET = '/usr/bin/taskset';
const pinning = existsSync(TASKSET) && availableParallelism() >= 2;

/**
 * One bench child in checkout `root`, on CPU `cpu` when pinning; resolves to its CPU seconds (all
 * threads, as the child measures them).
 */
function runChild(root, args, cpu) {
  const command = [process.execPath, childOf(root), ...args];
  const [file, ...argv] = pinning ? [TASKSET, '-c', String(cpu), ...command] : command;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, argv, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`bench:pair: the child in ${root} exited with ${code}`));
      else resolvePromise(JSON.parse(out.trim().split('\n').pop()).cpuSeconds);
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

const options = parseArgs(process.argv.slice(2));
const here = resolve('.');
const there = resolve(options.against);
const scenario = join(here, 'bench', 'scenarios', 'blis-anchor.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'simtrace-pair-'));
const argsFor = (side) => [
  scenario,
  `workload.count=${options.count}`,
  ...(options.traced ? [...TRACED, '--trace-out', join(tmp, `${side}.jsonl`)] : []),
];
try {
  const cpu = { here: [], there: [] };
  for (let pair = 1; pair <= options.pairs; pair++) {
    const [a, b] = await Promise.all([runChild(here, argsFor('here'), pair % 2), runChild(there, argsFor('there'), (pair + 1) % 2)]);
    cpu.here.push(a);
    cpu.there.push(b);
    const cpus = pinning ? ` (CPUs ${pair % 2} and ${(pair + 1) % 2})` : '';
    console.log(`pair ${pair}: this checkout ${a.toFixed(2)} s CPU, ${options.against} ${b.toFixed(2)} s${cpus}`);
  }
  const wins = cpu.here.filter((value, i) => value < cpu.there[i]).length;
  const ratio = median(cpu.here) / median(cpu.there);
  console.log(
    `median: this checkout ${median(cpu.here).toFixed(2)} s, ${options.against} ${median(cpu.there).toFixed(2)} s ` +
      `(${((ratio - 1) * 100).toFixed(1)} %); this checkout was faster in ${wins} of ${options.pairs} pairs`,
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
