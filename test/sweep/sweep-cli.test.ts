// `simtrace sweep`, `capacity` and `merge` as users run them: the built CLI in a child process
// (npm test builds first), so the worker threads run for real. The results must not depend on
// the number of workers or on sharding, byte for byte.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCENARIO = 'scenarios/capacity-llama8b-h100.yaml';
// Small runs: the CLI's machinery is under test here, not the capacity of an H100.
const SMALL = ['--set', 'workload.duration=15s'];
const dir = mkdtempSync(join(tmpdir(), 'simtrace-sweep-'));

function simtrace(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['bin/simtrace.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SWEEP = ['sweep', SCENARIO, ...SMALL, '--vary', 'engine.max_num_seqs=8,64', '--vary', 'workload.rate=2:6:2', '--slo', 'ttft_p99<300ms', '--json'];

describe('simtrace sweep', () => {
  it('gives the same document on 1 worker and on 2, with K seeds, means and intervals', () => {
    const one = simtrace([...SWEEP, '--seeds', '2', '--workers', '1']);
    const two = simtrace([...SWEEP, '--seeds', '2', '--workers', '2']);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const doc = JSON.parse(one.stdout);
    expect(doc).toMatchObject({ simtrace: 'sweep', scenario: 'capacity-llama8b-h100', seeds: 2, slo: ['ttft_p99<300ms'], goodput: { ttft: 300 } });
    expect(doc.points.map((p: { values: object }) => Object.values(p.values))).toEqual([[8, 2], [8, 4], [8, 6], [64, 2], [64, 4], [64, 6]]);
    for (const point of doc.points) {
      expect(point.seeds).toEqual([7, 8]);
      expect(point.runs.map((r: { seed: number }) => r.seed)).toEqual([7, 8]);
      const runs = point.runs.map((r: { metrics: Record<string, number> }) => r.metrics.ttft_p99);
      expect(point.metrics.ttft_p99).toBeCloseTo((runs[0] + runs[1]) / 2, 9);
      const [low, high] = point.ci95.ttft_p99;
      expect(low).toBeLessThanOrEqual(point.metrics.ttft_p99);
      expect(high).toBeGreaterThanOrEqual(point.metrics.ttft_p99);
      expect(point.slo_met).toBe(point.metrics.ttft_p99 < 300);
      expect(point.metrics.request_goodput).toBeLessThanOrEqual(point.metrics.request_throughput);
    }
    // A batch of 8 cannot keep up with 6 req/s: the sweep must show the difference it was asked about.
    expect(doc.points[2].metrics.ttft_p99).toBeGreaterThan(doc.points[5].metrics.ttft_p99);
  });

  it('merges shards (--shard i/N and JOB_COMPLETION_INDEX) into the unsharded document, byte for byte', () => {
    const whole = simtrace(SWEEP);
    expect(whole.code, whole.stderr).toBe(0);
    const files = [0, 1, 2].map((i) => {
      const r = i === 1 ? simtrace([...SWEEP, '--shards', '3'], { JOB_COMPLETION_INDEX: '1' }) : simtrace([...SWEEP, '--shard', `${i}/3`]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).shard).toEqual({ index: i, count: 3 });
      const file = join(dir, `shard-${i}.json`);
      writeFileSync(file, r.stdout);
      return file;
    });
    const merged = simtrace(['merge', files[2]!, files[0]!, files[1]!]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(whole.stdout);
    const out = join(dir, 'merged.json');
    expect(simtrace(['merge', ...files, '-o', out]).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(whole.stdout);
    const missing = simtrace(['merge', files[0]!, files[1]!]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing shard 2/3');
  });

  it('prints a table, writes CSV, and draws no progress bar when stderr is not a terminal', () => {
    const csv = join(dir, 'points.csv');
    const r = simtrace(['sweep', SCENARIO, ...SMALL, '--vary', 'workload.rate=2,4', '--csv', csv]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^#\s+workload\.rate\s+req\/s\s+TTFT p50\s+TTFT p99/);
    expect(lines).toHaveLength(4);
    expect(r.stderr).not.toContain('\r');
    expect(r.stderr).toMatch(/2 points x 1 seed = 2 runs on \d workers? in [\d.]+ s wall/);
    const rows = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(rows).toHaveLength(3);
    const header = rows[0]!.split(',');
    expect(header.slice(0, 4)).toEqual(['index', 'workload.rate', 'seeds', 'num_requests']);
    expect(header).toContain('ttft_p99');
    const last = rows[2]!.split(',');
    expect(last.slice(0, 3)).toEqual(['1', '4', '1']);
    // 15 s of Poisson arrivals at 4 req/s: about 60 requests.
    expect(Number(last[3])).toBeGreaterThan(40);
    expect(Number(last[3])).toBeLessThan(80);
  });

  it('checks every point before running any, and names the bad one (exit 2)', () => {
    const r = simtrace(['sweep', SCENARIO, ...SMALL, '--vary', 'workload.rate=2,4', '--vary', 'engine.max_num_seqs=64,0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('point 1 (workload.rate=2, engine.max_num_seqs=0)');
    expect(r.stderr).toContain('engine.max_num_seqs');
    expect(r.stdout).toBe('');
  });

  it.each([
    [['--vary', 'workload.rate=1:5:0'], /step > 0/],
    [['--seeds', '0'], /--seeds/],
    [['--workers', 'many'], /--workers/],
    [['--slo', 'ttft<1s'], /expected METRIC<BOUND/],
    [['--shard', '3/3'], /out of range/],
    [['--report', join(dir, 'never.html'), '--report-point', '1'], /the sweep has points 0\.\.0/],
    [['--report', join(dir, 'never.html'), '--shard', '0/2'], /a report needs every point/],
  ])('rejects bad flags %j with exit 2', (flags, message) => {
    const r = simtrace(['sweep', SCENARIO, ...SMALL, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

const CAPACITY = ['capacity', SCENARIO, '--set', 'workload.duration=10s', '--slo', 'ttft_p99<250ms', '--vary', 'engine.max_num_seqs=8,32', '--rel-tol', '0.05'];

describe('simtrace capacity', () => {
  it('finds, per configuration, a rate that meets the SLOs where twice it does not, the same on 1 and 2 workers', () => {
    const one = simtrace([...CAPACITY, '--json', '--workers', '1']);
    const two = simtrace([...CAPACITY, '--json', '--workers', '2']);
    expect(one.code, one.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const doc = JSON.parse(one.stdout);
    expect(doc).toMatchObject({ simtrace: 'capacity', slo: ['ttft_p99<250ms'], goodput: { ttft: 250 }, search: { rel_tol: 0.05 } });
    for (const point of doc.points) {
      expect(point.bound).toBe('found');
      const at = (rate: number) => point.probes.find((p: { rate: number }) => p.rate === rate);
      expect(at(point.max_rate).pass).toBe(true);
      expect(point.metrics.ttft_p99).toBeLessThan(250);
      // The lowest failing rate above the answer is within the tolerance of it.
      const above = point.probes.filter((p: { rate: number; pass: boolean }) => !p.pass && p.rate > point.max_rate).map((p: { rate: number }) => p.rate);
      expect(Math.min(...above)).toBeLessThanOrEqual(point.max_rate * 1.05 + 1e-9);
      expect(point.probes.filter((p: { stage: string }) => p.stage === 'verify').length).toBeGreaterThanOrEqual(2);
      expect(point.request_goodput).toBeGreaterThan(0);
      expect(point.searched).toContain('exponential bracketing');
    }
    // A batch of 8 sequences takes less traffic than a batch of 32.
    expect(doc.points[0].max_rate).toBeLessThan(doc.points[1].max_rate);
  });

  it('says in its human output what it found and how it searched', () => {
    const r = simtrace(CAPACITY);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('the highest workload.rate meeting ttft_p99<250ms');
    expect(r.stdout).toContain('searched: exponential bracketing from 4 req/s');
    expect(r.stdout).toContain('goodput: completed requests/s whose own ttft <= 250 ms (vllm bench serve --goodput ttft:250)');
    expect(r.stdout).toMatch(/max req\/s\s+goodput\s+ttft_p99 @max/);
  });

  it('merges its shards like a sweep', () => {
    const whole = simtrace([...CAPACITY, '--json']);
    const files = [0, 1].map((i) => {
      const file = join(dir, `capacity-${i}.json`);
      writeFileSync(file, simtrace([...CAPACITY, '--json', '--shard', `${i}/2`]).stdout);
      return file;
    });
    expect(simtrace(['merge', ...files]).stdout).toBe(whole.stdout);
  });

  it.each([
    [['--vary', 'workload.rate=1,2', '--slo', 'ttft_p99<1s'], /capacity searches the rate itself/],
    [[], /at least one SLO/],
    [['--slo', 'ttft_p99<1s', '--rate-max', '0.001'], /--rate-max/],
  ])('rejects %j with exit 2', (flags, message) => {
    const r = simtrace(['capacity', SCENARIO, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
