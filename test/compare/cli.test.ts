// `simtrace replay` and `simtrace compare` as users run them: the built bin/simtrace.js in a child
// process (npm test builds first). Flags shared with `run`, exit codes, and output shapes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function simtrace(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['bin/simtrace.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('simtrace replay', () => {
  it('replays a trace on the built-in base and takes run flags (--json, --set, --seed, --trace-out)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'simtrace-replay-')), 'r.otlp.jsonl');
    const r = simtrace(['replay', 'fixtures/traces/azure-conv-head.csv', '--json', '--set', 'workload.trace.limit=12', '--seed', '7', '--trace-out', out]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { scenario: string; seed: number; num_requests: number; completed: number };
    expect(summary).toMatchObject({ scenario: 'replay-azure-conv-head', seed: 7, num_requests: 12, completed: 12 });
    expect(r.stderr).toContain('as azure on the built-in base scenario');
    expect(existsSync(out)).toBe(true);
    // The trace written by the replay replays in turn, with the same 12 requests.
    const again = simtrace(['replay', out, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ num_requests: 12, completed: 12, total_input_tokens: JSON.parse(r.stdout).total_input_tokens });
  });

  it('gives byte-identical output in any time zone (Azure datetimes are read as UTC)', () => {
    const args = ['replay', 'fixtures/traces/azure-conv-head.csv', '--json'];
    const utc = simtrace(args, { TZ: 'UTC' });
    const kolkata = simtrace(args, { TZ: 'Asia/Kolkata', LC_ALL: 'de_DE.UTF-8' });
    expect(utc.code).toBe(0);
    expect(kolkata.stdout).toBe(utc.stdout);
  });

  it('uses a base scenario with --scenario, and its engine', () => {
    const r = simtrace(['replay', 'fixtures/traces/burstgpt-sample.csv', '--scenario', 'scenarios/kv-pressure.yaml', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scenario: 'kv-pressure', num_requests: 4 });
  });

  it('exits 2 naming both formats when --format disagrees with the content', () => {
    const r = simtrace(['replay', 'fixtures/traces/azure-conv-head.csv', '--format', 'mooncake']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected format "mooncake"');
    expect(r.stderr).toContain('which is format "azure"');
  });
});

describe('simtrace compare', () => {
  it('prints real against simulated TTFT, E2E and ITL, and the request-level MAPE', () => {
    const r = simtrace(['compare', 'fixtures/measured/llama-2-7b-codegen-head']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('60 requests matched (60 measured, 60 completed in simulation)');
    for (const metric of ['TTFT', 'E2E', 'ITL']) for (const stat of ['mean', 'p50', 'p90', 'p99']) expect(r.stdout).toMatch(new RegExp(`${metric} +${stat} +\\d`));
    expect(r.stdout).toMatch(/Request-level MAPE: TTFT \d+\.\d %, E2E \d+\.\d %/);
  });

  it('--json gives seconds under ttft/e2e/itl and request_mape, the same numbers as the table', () => {
    const r = simtrace(['compare', 'fixtures/measured/llama-2-7b-codegen-head', '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as Record<string, Record<string, Record<string, number>>>;
    for (const metric of ['ttft', 'e2e', 'itl']) expect(Object.keys(c[metric]!)).toEqual(['mean', 'p50', 'p90', 'p99']);
    expect(Object.keys(c['request_mape']!)).toEqual(['ttft', 'e2e']);
    const truth = JSON.parse(readFileSync('fixtures/measured/llama-2-7b-codegen-head/ground_truth.json', 'utf8')) as { ttft_s: number }[];
    expect(c['ttft']!['mean']!['real']).toBeCloseTo(truth.reduce((s, t) => s + t.ttft_s, 0) / truth.length, 12);
    const table = simtrace(['compare', 'fixtures/measured/llama-2-7b-codegen-head']).stdout;
    expect(table).toContain(`${(c['ttft']!['mean']!['real']! * 1000).toFixed(2)}`);
  });

  it('exits 2 without a measured run or --otlp', () => {
    const r = simtrace(['compare']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('expected a measured run folder or --otlp FILE');
  });
});
