// What `simtrace capacity` does when it runs (its flags are in ./capacity.ts): for each configuration,
// the highest workload.rate meeting every SLO, with vLLM's goodput at that rate, and how it was searched.
import { InputError } from '../../scenario/problems.js';
import { describePoint, parseAxes } from '../../sweep/axes.js';
import { RATE_KEY, rateOverrides, runCapacity, startRate, type CapacityPlan } from '../../sweep/capacity.js';
import { DEFAULT_SEARCH } from '../../sweep/capacity-search.js';
import { serializeDocument } from '../../sweep/document.js';
import { parsePositiveNumber, parseWholeNumber, parseWorkers, readSource } from '../../sweep/options.js';
import { withPool } from '../../sweep/pool.js';
import { createProgress } from '../../sweep/progress.js';
import { resolveShard } from '../../sweep/shard.js';
import { formatGoodput, goodputFromSlos, parseGoodput, parseSlo } from '../../sweep/slo.js';
import { recordSeries, selectPoints, validatePoints } from '../../sweep/sweep.js';
import { formatCapacityTable } from '../../sweep/table.js';
import { parseSeed } from '../run-options.js';
import { writeFileAtomic } from '../write-atomic.js';
import type { CapacityFlags } from './capacity.js';

function searchOptions(flags: CapacityFlags): CapacityPlan['search'] {
  const min = parsePositiveNumber('--rate-min', flags.rateMin, DEFAULT_SEARCH.min);
  const max = parsePositiveNumber('--rate-max', flags.rateMax, DEFAULT_SEARCH.max);
  if (max <= min) throw new InputError([{ file: '--rate-max', path: '', message: `expected --rate-max (${max}) > --rate-min (${min})` }]);
  return {
    ...DEFAULT_SEARCH,
    min,
    max,
    relTol: parsePositiveNumber('--rel-tol', flags.relTol, DEFAULT_SEARCH.relTol, { max: 1 }),
    verify: parseWholeNumber('--verify', flags.verify, DEFAULT_SEARCH.verify, 0),
    ...(flags.rateStart !== undefined ? { start: parsePositiveNumber('--rate-start', flags.rateStart, 1) } : {}),
  };
}

export async function capacityAction(file: string, flags: CapacityFlags): Promise<number> {
  const axes = parseAxes(flags.vary);
  if (axes.some((axis) => axis.key === RATE_KEY)) {
    throw new InputError([{ file: `--vary ${RATE_KEY}`, path: RATE_KEY, message: 'capacity searches the rate itself; vary other fields (or use simtrace sweep)' }]);
  }
  if (flags.slo.length === 0) throw new InputError([{ file: '--slo', path: '', message: "capacity needs at least one SLO, such as --slo 'ttft_p99<1s'" }]);
  const slos = flags.slo.map(parseSlo);
  const goodput = flags.goodput !== undefined ? parseGoodput(flags.goodput) : goodputFromSlos(slos);
  const seeds = parseWholeNumber('--seeds', flags.seeds, 1, 1);
  const workers = parseWorkers(flags.workers);
  const shard = resolveShard(flags.shard, flags.shards, process.env);
  if (shard !== undefined && flags.report !== undefined) {
    throw new InputError([{ file: '--report', path: '', message: 'a report needs every configuration: run capacity unsharded for the report' }]);
  }
  const { source, name } = readSource(file, flags.set, parseSeed(flags.seed));
  const plan: CapacityPlan = { source, scenario: name, axes, seeds, slos, search: searchOptions(flags), ...(goodput ? { goodput } : {}), ...(shard ? { shard } : {}) };
  const points = selectPoints(axes, shard);
  // Each configuration must load at its start rate before any search begins.
  for (const point of points) validatePoints(source, [point], [`${RATE_KEY}=${startRate(plan, point)}`]);
  const progress = createProgress(process.stderr, 'capacity', undefined);
  const started = process.hrtime.bigint();
  const { frame, series } = await withPool(source, workers, async (pool) => {
    const done = await runCapacity(plan, pool, progress.tick);
    const first = done.points[0];
    const point = points[0];
    if (flags.report === undefined || first?.max_rate === null || first === undefined || point === undefined) return { frame: done, series: undefined };
    const label = `${describePoint(point)} at ${first.max_rate} req/s`;
    const data = await recordSeries(pool, rateOverrides(point, first.max_rate));
    return { frame: done, series: data !== undefined ? { label, series: data } : undefined };
  });
  progress.done();
  if (flags.json === true) {
    process.stdout.write(serializeDocument(frame));
  } else {
    const out = process.stdout;
    out.write(`simtrace capacity: ${name}: the highest ${RATE_KEY} meeting ${slos.map((s) => s.text).join(' and ')}\n`);
    if (goodput !== undefined) {
      const bounds = Object.entries(goodput).map(([key, ms]) => `${key} <= ${ms} ms`).join(', ');
      out.write(`goodput: completed requests/s whose own ${bounds} (vllm bench serve --goodput ${formatGoodput(goodput)})\n`);
    }
    out.write(`searched: ${frame.points[0]?.searched ?? 'nothing (no configuration in this shard)'}\n\n`);
    out.write(formatCapacityTable(frame.points, slos.map((s) => s.metric)));
  }
  if (flags.report !== undefined) {
    const { renderCapacityReport } = await import('../../report/html/index.js');
    writeFileAtomic(flags.report, await renderCapacityReport(frame, series));
  }
  const probes = frame.points.reduce((n, e) => n + e.probes.length, 0);
  const wall = (Number(process.hrtime.bigint() - started) / 1e9).toFixed(2);
  process.stderr.write(`simtrace: ${frame.points.length} configurations, ${probes} rates probed x ${seeds} seed${seeds > 1 ? 's' : ''} on ${workers} worker${workers > 1 ? 's' : ''} in ${wall} s wall\n`);
  return 0;
}
