// The command line as users run it: the built bin/simtrace.js in a child process (npm test builds
// first). Exit codes, --json, --seed, validate, and byte-identical output whatever the locale.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function simtrace(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['bin/simtrace.js', ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('simtrace run', () => {
  it('prints the summary table and exits 0', () => {
    const r = simtrace(['run', 'scenarios/spec-c8.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('simtrace: spec-c8 (seed 1)');
    expect(r.stdout).toMatch(/Requests completed:\s+2 \(stopped 0, length 2\)/);
    expect(r.stdout).toMatch(/Preemptions:\s+1/);
    expect(r.stdout).toMatch(/Scheduler steps:\s+7/);
    expect(r.stderr).toMatch(/7 steps/);
  });

  it('--json prints one document with vllm bench metric names', () => {
    const r = simtrace(['run', 'scenarios/spec-c8.yaml', '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.completed).toBe(2);
    expect(summary.num_steps).toBe(7);
    expect(summary.num_preemptions).toBe(1);
    for (const metric of ['ttft_ms', 'tpot_ms', 'itl_ms', 'e2el_ms']) {
      expect(Object.keys(summary[metric])).toEqual(['mean', 'median', 'std', 'p50', 'p90', 'p99']);
    }
  });

  it('gives byte-identical output across runs, time zones and locales', () => {
    const a = simtrace(['run', 'scenarios/kv-pressure.yaml', '--json']);
    const b = simtrace(['run', 'scenarios/kv-pressure.yaml', '--json'], { TZ: 'Asia/Kolkata', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' });
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
  });

  it('--seed changes the workload and so the result', () => {
    const a = JSON.parse(simtrace(['run', 'scenarios/kv-pressure.yaml', '--json']).stdout);
    const b = JSON.parse(simtrace(['run', 'scenarios/kv-pressure.yaml', '--json', '--seed', '43']).stdout);
    expect(b.seed).toBe(43);
    expect(b.ttft_ms.mean).not.toBe(a.ttft_ms.mean);
  });

  it('--set answers a what-if', () => {
    const tight = JSON.parse(simtrace(['run', 'scenarios/kv-pressure.yaml', '--json']).stdout);
    const roomy = JSON.parse(simtrace(['run', 'scenarios/kv-pressure.yaml', '--json', '--set', 'engine.num_gpu_blocks=8192']).stdout);
    expect(tight.num_preemptions).toBeGreaterThan(0);
    expect(roomy.num_preemptions).toBe(0);
  });

  it('--max-sim-time stops early and says the run is partial', () => {
    const r = JSON.parse(simtrace(['run', 'scenarios/kv-pressure.yaml', '--json', '--max-sim-time', '10s']).stdout);
    expect(r.partial).toBe(true);
    expect(r.duration_s).toBe(10);
    expect(r.completed).toBeLessThan(r.num_requests);
  });

  it.each([
    [['run', 'missing.yaml'], /missing\.yaml: cannot read scenario: file not found/],
    [['run', 'scenarios/spec-c8.yaml', '--seed', 'x'], /--seed: expected a whole number/],
    [['run', 'scenarios/spec-c8.yaml', '--no-such-flag'], /unknown option/],
    [['run', 'scenarios/spec-c8.yaml', '--set', 'engine.block_size=0'], /engine\.block_size: expected a value > 0, found 0/],
  ])('exits 2 on bad input: %j', (args, message) => {
    const r = simtrace(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('simtrace validate', () => {
  it('exits 0 on a valid scenario', () => {
    const r = simtrace(['validate', 'scenarios/priority.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('ok');
  });
});
