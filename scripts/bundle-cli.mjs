// `npm run build`, second step: bundles the compiled CLI into dist/bundle/ for a fast start, and
// writes V8's code cache for it. bin/simtrace.js (through bin/load-bundle.cjs) and bench/child.cjs
// run the bundle whenever it is current.
//
// Why: Node 20 has no module compile cache, and its ES module loader spends most of a short run
// resolving, reading and linking the several hundred files of dist/, zod, yaml and commander one by
// one, then compiling them. Bundled, that is a few dozen files; as CommonJS they can be compiled
// with a code cache (bin/load-bundle.cjs), which a warm-up run below writes. Commands still load
// lazily: each dynamic import is its own chunk.
//
// - main.cjs (dist/cli/main.js) and bench-entry.cjs (dist/cli/bench-entry.js): CommonJS chunks. The
//   OpenTelemetry packages stay require()s of node_modules (they load only for traces); the HTML
//   report (vega, which has top-level await and so cannot be required) stays the compiled ES module
//   dist/report/html/index.js, imported when a report is written.
// - worker.js (dist/sweep/worker.js): the sweep worker, an ES module, beside the chunk of pool.js,
//   which starts it as './worker.js'.
//
// Without rolldown (it comes with vitest's vite) the bundle is removed, and the CLI runs
// dist/cli/main.js as compiled. It does the same whenever the bundle is older than dist/cli/main.js
// (tsc run on its own), so a stale bundle never runs.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const OUT = 'dist/bundle';
rmSync(OUT, { recursive: true, force: true });

let rolldown;
try {
  ({ rolldown } = await import('rolldown'));
} catch {
  process.stderr.write('bundle-cli: rolldown is not installed; the CLI will run dist/cli/main.js unbundled\n');
  process.exit(0);
}

const OTEL = /^@opentelemetry\//;
/** The HTML report is imported from dist/report/html/ (relative to dist/bundle/), not bundled. */
const htmlReportAsCompiled = {
  name: 'html-report-as-compiled',
  resolveId(source) {
    if (source.endsWith('/report/html/index.js')) return { id: '../report/html/index.js', external: true };
    return null;
  },
};

/**
 * Commander requires child_process when it loads, for executable subcommands, which simtrace has
 * none of; loading it (with net, dgram and more) cost ~7 ms of every command's start. Commander's
 * require gets a module that loads child_process when first used instead.
 */
const LAZY_CHILD_PROCESS = '\0lazy-child-process';
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  resolveId(source, importer) {
    if (source === 'node:child_process' && importer !== undefined && /[\\/]commander[\\/]/.test(importer)) return LAZY_CHILD_PROCESS;
    return null;
  },
  load(id) {
    if (id !== LAZY_CHILD_PROCESS) return null;
    return "module.exports = { get spawn() { return require('node:child_process').spawn; } };";
  },
};

async function bundle(input, output, options = {}) {
  const build = await rolldown({ input, platform: 'node', external: [OTEL, /^vega(-|$)/], logLevel: 'warn', ...options });
  await build.write({ dir: OUT, ...output });
  await build.close();
}

await bundle(
  { main: 'dist/cli/main.js', 'bench-entry': 'dist/cli/bench-entry.js' },
  { format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' },
  { plugins: [htmlReportAsCompiled, lazyChildProcessForCommander] },
);
await bundle({ worker: 'dist/sweep/worker.js' }, { format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'worker-[name]-[hash].js' });

// The warm-up: a small run, whose compiled functions go into the code cache of each chunk it loaded.
// Without NODE_OPTIONS: V8 accepts a cache only under the flags it was made with, and the CLI runs
// with none.
const env = { ...process.env, SIMTRACE_WRITE_CODE_CACHE: '1' };
delete env.NODE_OPTIONS;
const warmUp = spawnSync(process.execPath, ['bin/simtrace.js', 'run', 'scenarios/kv-pressure.yaml', '--set', 'workload.count=4', '--json'], {
  env,
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (warmUp.status !== 0) {
  // The CLI then runs dist/cli/main.js as compiled, where the failure shows as it is.
  process.stderr.write(`bundle-cli: the warm-up run failed (exit ${warmUp.status}); the bundle is removed\n${warmUp.stderr}`);
  rmSync(OUT, { recursive: true, force: true });
}
