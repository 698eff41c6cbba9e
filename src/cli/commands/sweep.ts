// `simtrace sweep SCENARIO --vary KEY=VALUES ...`: the scenario at every point of the product of the
// varied values, on worker threads; a table, --csv, --json (stdout) and --report (HTML).
import type { Command } from 'commander';
import { InputError } from '../../scenario/problems.js';
import { describePoint, parseAxes, pointCount, pointOverrides, pointAt, type SweepPoint } from '../../sweep/axes.js';
import { serializeDocument } from '../../sweep/document.js';
import { parseWholeNumber, parseWorkers, readSource } from '../../sweep/options.js';
import { withPool } from '../../sweep/pool.js';
import { createProgress } from '../../sweep/progress.js';
import { resolveShard } from '../../sweep/shard.js';
import { goodputFromSlos, parseGoodput, parseSlo } from '../../sweep/slo.js';
import { recordSeries, runSweep, selectPoints, validatePoints, type SweepEntry } from '../../sweep/sweep.js';
import { formatSweepCsv, formatSweepTable } from '../../sweep/table.js';
import { parseSeed } from '../run-options.js';
import type { SetExit } from './types.js';
import { writeFileAtomic } from '../write-atomic.js';
import { collect } from '../repeatable.js';

export interface SweepFlags {
  readonly vary: string[];
  readonly set: string[];
  readonly seed?: string;
  readonly seeds?: string;
  readonly workers?: string;
  readonly slo: string[];
  readonly goodput?: string;
  readonly json?: boolean;
  readonly csv?: string;
  readonly report?: string;
  readonly reportPoint?: string;
  readonly shard?: string;
  readonly shards?: string;
}


/** Adds the flags `sweep` and `capacity` share. */
export function addSweepOptions(command: Command): Command {
  return command
    .option('--vary <key=values>', 'vary a scenario field: a list a,b,c or a range start:stop:step (repeatable; the product is swept)', collect, [])
    .option('--set <key=value>', 'override a scenario field by dotted path for every point (repeatable)', collect, [])
    .option('--seed <n>', 'base seed instead of the scenario seed')
    .option('--seeds <k>', 'run each point with K seeds (seed, seed+1, ...): means and 95 % intervals')
    .option('--workers <n>', 'worker threads (default: all cores)')
    .option('--slo <slo>', 'an SLO such as ttft_p99<2s or itl_p50<=50ms (repeatable)', collect, [])
    .option('--goodput <bounds>', 'per-request bounds for goodput, as vllm bench serve --goodput: "ttft:1000 tpot:50" (ms)')
    .option('--json', 'print one JSON document (stdout)')
    .option('--report <file.html>', 'write a self-contained HTML report with plots')
    .option('--shard <i/N>', 'run only shard i of N (the points k with k mod N = i)')
    .option('--shards <N>', 'with JOB_COMPLETION_INDEX (Kubernetes Indexed Job): run shard $JOB_COMPLETION_INDEX of N');
}

/** --report-point, checked before anything runs. */
function parseReportPoint(flag: string | undefined, total: number): number | undefined {
  if (flag === undefined) return undefined;
  const index = parseWholeNumber('--report-point', flag, 0, 0);
  if (index >= total) throw new InputError([{ file: `--report-point ${flag}`, path: '', message: `the sweep has points 0..${total - 1}` }]);
  return index;
}

/**
 * The point whose time series the report shows: --report-point, else the busiest point (highest
 * throughput) meeting the SLOs, the operating point a capacity plan would pick, else the middle one.
 */
function representative(entries: readonly SweepEntry[], total: number, chosen: number | undefined): number {
  if (chosen !== undefined) return chosen;
  const met = entries.filter((e) => e.slo_met === true);
  if (met.length > 0) return met.reduce((a, b) => ((b.metrics.request_throughput ?? 0) > (a.metrics.request_throughput ?? 0) ? b : a)).index;
  return Math.floor(total / 2);
}

async function sweepAction(file: string, flags: SweepFlags): Promise<number> {
  const axes = parseAxes(flags.vary);
  const seeds = parseWholeNumber('--seeds', flags.seeds, 1, 1);
  const workers = parseWorkers(flags.workers);
  const slos = flags.slo.map(parseSlo);
  const goodput = flags.goodput !== undefined ? parseGoodput(flags.goodput) : goodputFromSlos(slos);
  const shard = resolveShard(flags.shard, flags.shards, process.env);
  if (shard !== undefined && flags.report !== undefined) {
    throw new InputError([{ file: '--report', path: '', message: 'a report needs every point: run the sweep unsharded for a report' }]);
  }
  const reportPoint = parseReportPoint(flags.reportPoint, pointCount(axes));
  const { source, name } = readSource(file, flags.set, parseSeed(flags.seed));
  const points = selectPoints(axes, shard);
  validatePoints(source, points);
  const runs = points.length * seeds;
  const used = Math.max(1, Math.min(workers, runs));
  const progress = createProgress(process.stderr, 'sweep', runs);
  const started = process.hrtime.bigint();
  const { frame, series } = await withPool(source, used, async (pool) => {
    const done = await runSweep({ source, scenario: name, axes, seeds, slos, ...(goodput ? { goodput } : {}), ...(shard ? { shard } : {}) }, pool, progress.tick);
    if (flags.report === undefined) return { frame: done, series: undefined };
    const point: SweepPoint = pointAt(axes, representative(done.points, pointCount(axes), reportPoint));
    const data = await recordSeries(pool, pointOverrides(point));
    return { frame: done, series: data !== undefined ? { label: `point ${point.index} (${describePoint(point)})`, series: data } : undefined };
  });
  progress.done();
  if (flags.json === true) process.stdout.write(serializeDocument(frame));
  else process.stdout.write(formatSweepTable(frame.points));
  if (flags.csv !== undefined) writeFileAtomic(flags.csv, formatSweepCsv(frame.points));
  if (flags.report !== undefined) {
    const { renderSweepReport } = await import('../../report/html/index.js');
    writeFileAtomic(flags.report, await renderSweepReport(frame, series));
  }
  const wall = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(2);
  const where = shard !== undefined ? ` (shard ${shard.index}/${shard.count})` : '';
  process.stderr.write(`simtrace: ${points.length} points x ${seeds} seed${seeds > 1 ? 's' : ''} = ${runs} runs${where} on ${used} worker${used > 1 ? 's' : ''} in ${wall} s wall\n`);
  return 0;
}

export function registerSweep(program: Command, setExit: SetExit): void {
  addSweepOptions(program.command('sweep').description('run a scenario over the product of varied fields, in parallel').argument('<scenario>', 'scenario YAML file'))
    .option('--csv <file>', 'write one CSV row per point')
    .option('--report-point <index>', 'the point whose time series the report plots')
    .action(async (file: string, flags: SweepFlags) => setExit(await sweepAction(file, flags)));
}
