// What `simtrace sweep` does when it runs (its flags are in ./sweep.ts): the scenario at every point of
// the product of the varied values, on worker threads; a table, --csv, --json (stdout) and --report.
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
import { writeFileAtomic } from '../write-atomic.js';
import type { SweepFlags } from './sweep.js';

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

export async function sweepAction(file: string, flags: SweepFlags): Promise<number> {
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
