// --skip-bad-rows / workload.trace.skip_bad_rows: malformed rows are counted and reported, the good
// ones replayed; without it the first malformed row stops with its line; all-bad is "no requests".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/scenario/problems.js';
import { openTrace, traceSchema } from '../../../src/workload/trace/index.js';

const dir = mkdtempSync(join(tmpdir(), 'simtrace-badrows-'));
const CSV = join(dir, 'azure.csv');
writeFileSync(
  CSV,
  [
    'TIMESTAMP,ContextTokens,GeneratedTokens',
    '2023-11-16 18:15:46.000,374,44',
    '2023-11-16 18:15:47.000,abc,11',
    'not a time,100,11',
    '2023-11-16 18:15:49.000,200,20',
  ].join('\n') + '\n',
);

describe('skipping malformed trace rows', () => {
  it('replays the good rows and records each skipped one with its line', () => {
    const trace = openTrace(traceSchema.parse({ path: CSV, skip_bad_rows: true }), '.');
    const requests = [...trace.requests(0)];
    expect(requests.map((r) => [r.prompt.length, r.arrivalNs])).toEqual([
      [374, 0],
      [200, 3_000_000_000],
    ]);
    expect(trace.badRows?.skipped).toBe(2);
    const report = trace.badRows!.report();
    expect(report[0]).toMatch(/skipped 2 malformed trace row/);
    expect(report[1]).toMatch(/azure\.csv:3:1: ContextTokens: expected a whole number >= 0, found "abc"/);
    expect(report[2]).toMatch(/azure\.csv:4:1: TIMESTAMP: expected a datetime/);
    // A second pass counts afresh (each run reads the file again).
    expect([...trace.requests(0)].length).toBe(2);
    expect(trace.badRows?.skipped).toBe(2);
  });

  it('stops at the first malformed row without the option (already when the trace is opened)', () => {
    let error: unknown;
    try {
      Array.from(openTrace(traceSchema.parse({ path: CSV }), '.').requests(0));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems[0]).toMatchObject({ line: 3, path: 'ContextTokens' });
  });

  it('reports a trace whose every row is bad as holding no requests', () => {
    const allBad = join(dir, 'all-bad.csv');
    writeFileSync(allBad, 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:47.000,abc,11\n');
    expect(() => openTrace(traceSchema.parse({ path: allBad, skip_bad_rows: true }), '.')).toThrow(/the trace holds no requests/);
  });

  it('simtrace replay --skip-bad-rows says how many rows it skipped, and exits 0', () => {
    const result = spawnSync(process.execPath, ['bin/simtrace.js', 'replay', CSV, '--skip-bad-rows', '--json'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).num_requests).toBe(2);
    expect(result.stderr).toMatch(/skipped 2 malformed trace row\(s\)/);
    const strict = spawnSync(process.execPath, ['bin/simtrace.js', 'replay', CSV], { encoding: 'utf8' });
    expect(strict.status).toBe(2);
    expect(strict.stderr).toMatch(/azure\.csv:3:1: ContextTokens/);
  });
});
