import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';
import { NS_PER_S } from '../../src/engine/time.js';
import type { RequestSpec } from '../../src/workload/index.js';
import { workloadRequests, workloadSchema } from '../../src/workload/index.js';

function run(workload: unknown, seed = 1): RequestSpec[] {
  return [...workloadRequests(workloadSchema.parse(workload), new RandomStreams(seed))];
}

describe('workloadSchema', () => {
  it('accepts explicit requests alone', () => {
    expect(run({ requests: [{ id: 'A', arrival: 0, prompt_tokens: 80, max_tokens: 3 }] }).map((r) => r.id)).toEqual(['A']);
  });

  it('rejects a workload with no source', () => {
    expect(workloadSchema.safeParse({}).success).toBe(false);
    expect(workloadSchema.safeParse({ requests: [] }).success).toBe(true);
  });

  it('applies the generator rules with paths relative to workload', () => {
    const result = workloadSchema.safeParse({ requests: [], max_tokens: 5 });
    expect(result.error?.issues.map((i) => i.path)).toEqual([['max_tokens']]);
  });

  it('reports a duplicate explicit id under requests', () => {
    const result = workloadSchema.safeParse({
      requests: [
        { id: 'x', arrival: 0, prompt_tokens: 1, max_tokens: 1 },
        { id: 'x', arrival: 0, prompt_tokens: 1, max_tokens: 1 },
      ],
    });
    expect(result.error?.issues[0]?.path).toEqual(['requests', 1, 'id']);
  });
});

describe('workloadRequests', () => {
  const workload = {
    rate: 4,
    arrival: 'constant',
    count: 8,
    prompt_tokens: 10,
    max_tokens: 5,
    requests: [
      { id: 'late', arrival: 1.1, prompt_tokens: 3, max_tokens: 1 },
      { id: 'tie', arrival: 0.5, prompt_tokens: 3, max_tokens: 1 },
      { id: 'first', arrival: 0, prompt_tokens: 3, max_tokens: 1 },
    ],
  };

  it('merges explicit and generated requests by arrival, explicit first on ties', () => {
    const requests = run(workload);
    expect(requests.map((r) => [r.id ?? 'gen', r.arrivalNs / NS_PER_S])).toEqual([
      ['first', 0],
      ['gen', 0],
      ['gen', 0.25],
      ['tie', 0.5],
      ['gen', 0.5],
      ['gen', 0.75],
      ['gen', 1],
      ['late', 1.1],
      ['gen', 1.25],
      ['gen', 1.5],
      ['gen', 1.75],
    ]);
  });

  it('never gives an explicit and a generated request the same content key', () => {
    const keys = run(workload).map((r) => r.contentKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('passes api defaults to explicit requests that do not set them', () => {
    const requests = run({ ...workload, api: { endpoint: 'completions' } });
    expect(requests.every((r) => r.endpoint === 'completions' && r.stream)).toBe(true);
  });

  it('stays lazy with a huge generator beside explicit requests', () => {
    const iterable = workloadRequests(workloadSchema.parse({ ...workload, count: 1e9 }), new RandomStreams(1));
    const seen: string[] = [];
    for (const r of iterable) {
      seen.push(r.id ?? 'gen');
      if (seen.length === 4) break;
    }
    expect(seen).toEqual(['first', 'gen', 'gen', 'tie']);
  });

  it('is deterministic and re-iterable', () => {
    const poisson = { ...workload, arrival: 'poisson', count: 200, prompt_tokens: { dist: 'uniform', min: 1, max: 50 } };
    const iterable = workloadRequests(workloadSchema.parse(poisson), new RandomStreams(9));
    const first = [...iterable];
    expect([...iterable]).toEqual(first);
    expect(run(poisson, 9)).toEqual(first);
    expect(run(poisson, 10).map((r) => r.arrivalNs)).not.toEqual(first.map((r) => r.arrivalNs));
    expect(first.every((r, i) => i === 0 || r.arrivalNs >= first[i - 1]!.arrivalNs)).toBe(true);
  });

  it('gives a generated workload alone (no merge) the same requests as beside an empty explicit list, re-iterably', () => {
    const { requests: _explicit, ...generatedOnly } = { ...workload, arrival: 'poisson', count: 50 };
    const iterable = workloadRequests(workloadSchema.parse(generatedOnly), new RandomStreams(3));
    const first = [...iterable];
    expect(first).toHaveLength(50);
    expect([...iterable]).toEqual(first);
    expect(run({ ...generatedOnly, requests: [] }, 3)).toEqual(first);
  });
});
