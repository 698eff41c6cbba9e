// Runs stopped early: SIGINT and --timeout leave a trace file of whole, valid lines (renamed into
// place only once closed) and a summary that says it is partial, with exit codes 130 and 5.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LONG_RUN = ['run', 'bench/scenarios/blis-anchor.yaml', '--set', 'workload.count=1000000', '--set', 'observability.enable_journey_tracing=true', '--json'];

function start(args: string[]) {
  const child = spawn(process.execPath, ['bin/simtrace.js', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null }>((resolve) => child.on('close', (code) => resolve({ code })));
  return { child, done, out: () => ({ stdout, stderr }) };
}

function wholeLines(path: string): number {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.split('\n').filter((l) => l !== '');
  for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  return lines.length;
}

describe('stopping a run early', () => {
  it('SIGINT: exit 130, a valid partial trace, a partial summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simtrace-int-'));
    const path = join(dir, 'trace.jsonl');
    const run = start([...LONG_RUN, '--trace-out', path]);
    // Wait until the simulation is well under way (the temporary trace file has content).
    for (let i = 0; i < 200 && !existsSync(path); i++) {
      await new Promise((r) => setTimeout(r, 50));
      const tmp = `${path}.tmp-${run.child.pid}`;
      if (existsSync(tmp) && readFileSync(tmp).length > 100_000) break;
    }
    run.child.kill('SIGINT');
    const { code } = await run.done;
    expect(code).toBe(130);
    const { stdout, stderr } = run.out();
    expect(stderr).toMatch(/interrupted/);
    const summary = JSON.parse(stdout);
    expect(summary.partial).toBe(true);
    expect(summary.completed).toBeLessThan(1_000_000);
    expect(wholeLines(path)).toBeGreaterThan(0);
  });

  it('--timeout: exit 5, a valid partial trace, a partial summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simtrace-timeout-'));
    const path = join(dir, 'trace.jsonl');
    const run = start([...LONG_RUN, '--trace-out', path, '--timeout', '1.5s']);
    const { code } = await run.done;
    expect(code).toBe(5);
    const summary = JSON.parse(run.out().stdout);
    expect(summary.partial).toBe(true);
    expect(summary.num_requests).toBeGreaterThan(0);
    expect(wholeLines(path)).toBeGreaterThan(0);
  });
});
