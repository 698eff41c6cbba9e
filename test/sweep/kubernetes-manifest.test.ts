// docs/kubernetes-indexed-job.yaml must stay runnable: one shard per completion index, the merge
// waiting for exactly that many shards, and a sweep command line simtrace accepts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

interface Container {
  readonly args: string[];
}
interface JobDoc {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: { readonly completionMode?: string; readonly completions?: number; readonly template: { readonly spec: { readonly containers: Container[] } } };
}

const docs = parseAllDocuments(readFileSync('docs/kubernetes-indexed-job.yaml', 'utf8')).map((d) => d.toJS() as JobDoc);
const sweep = docs.find((d) => d.metadata.name === 'simtrace-sweep')!;
const merge = docs.find((d) => d.metadata.name === 'simtrace-merge')!;
const sweepScript = sweep.spec.template.spec.containers[0]!.args[0]!;

/** The `simtrace sweep ...` words of the shell script, up to the redirection. */
function sweepWords(script: string): string[] {
  const command = script.slice(script.indexOf('simtrace sweep'), script.indexOf('>'));
  return [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('the Kubernetes Indexed Job example', () => {
  it('runs one shard per completion index and merges exactly that many', () => {
    expect(sweep.spec.completionMode).toBe('Indexed');
    const n = sweep.spec.completions!;
    expect(sweepScript).toContain(`--shards ${n}`);
    expect(sweepScript).toContain('shard-${JOB_COMPLETION_INDEX}.json');
    expect(merge.spec.template.spec.containers[0]!.args[0]).toContain(`-eq ${n} ]`);
  });

  it("has a sweep command line that simtrace runs (with the repository's scenario, made small)", () => {
    const words = sweepWords(sweepScript).map((w) => w.replace('/scenario/', 'scenarios/'));
    expect(words.slice(0, 2)).toEqual(['simtrace', 'sweep']);
    const r = spawnSync(process.execPath, ['bin/simtrace.js', ...words.slice(1), '--set', 'workload.duration=5s'], {
      encoding: 'utf8',
      env: { ...process.env, JOB_COMPLETION_INDEX: '3' },
    });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.shard).toEqual({ index: 3, count: sweep.spec.completions });
    expect(doc.points.length).toBe(30);
  });
});
