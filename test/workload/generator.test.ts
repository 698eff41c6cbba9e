import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/engine/random.js';
import { NS_PER_S } from '../../src/engine/time.js';
import type { GeneratorConfig } from '../../src/workload/generator.js';
import { generateRequests, generatorSchema } from '../../src/workload/generator.js';
import type { RequestSpec } from '../../src/workload/request-spec.js';

function config(overrides: Record<string, unknown> = {}): GeneratorConfig {
  return generatorSchema.parse({
    rate: 10,
    count: 500,
    prompt_tokens: { dist: 'uniform', min: 10, max: 100 },
    max_tokens: { dist: 'uniform', min: 1, max: 50 },
    ...overrides,
  });
}

function generate(overrides: Record<string, unknown> = {}, seed = 1): RequestSpec[] {
  return [...generateRequests(config(overrides), new RandomStreams(seed))];
}

function take<T>(iterable: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  if (n <= 0) return out;
  for (const x of iterable) {
    out.push(x);
    if (out.length >= n) break;
  }
  return out;
}

describe('generatorSchema', () => {
  it('applies the defaults', () => {
    const c = config();
    expect(c.arrival).toEqual({ process: 'poisson' });
    expect(c.api).toEqual({ endpoint: 'chat', stream: true });
    expect(c.start).toBe(0);
    expect(generatorSchema.parse({ rate: 1, count: 1, prompt_tokens: 1, max_tokens: 1, prefix: { groups: 2, tokens: 3 } }).prefix).toEqual({
      groups: 2,
      tokens: 3,
      fraction: 1,
    });
  });

  it('parses durations with units', () => {
    const c = generatorSchema.parse({ rate: 1, duration: '1.5m', start: '250ms', prompt_tokens: 1, max_tokens: 1 });
    expect(c.duration).toBe(90);
    expect(c.start).toBe(0.25);
  });

  it.each([
    ['rate without count or duration', { rate: 1, prompt_tokens: 1, max_tokens: 1 }, ['rate']],
    ['rate without prompt_tokens', { rate: 1, count: 1, max_tokens: 1 }, ['prompt_tokens']],
    ['rate without max_tokens', { rate: 1, count: 1, prompt_tokens: 1 }, ['max_tokens']],
    ['prompt_tokens without rate', { prompt_tokens: 1 }, ['prompt_tokens']],
    ['count without rate', { count: 5 }, ['count']],
    ['a rate of 0', { rate: 0, count: 1, prompt_tokens: 1, max_tokens: 1 }, ['rate']],
    ['an unknown key', { rate: 1, count: 1, prompt_tokens: 1, max_tokens: 1, burst: 3 }, []],
    ['an unknown api key', { rate: 1, count: 1, prompt_tokens: 1, max_tokens: 1, api: { stream: true, model: 'x' } }, ['api']],
    ['prefix fraction above 1', { rate: 1, count: 1, prompt_tokens: 1, max_tokens: 1, prefix: { groups: 1, tokens: 1, fraction: 2 } }, ['prefix', 'fraction']],
    ['priority weights of the wrong length', { rate: 1, count: 1, prompt_tokens: 1, max_tokens: 1, priority: { values: [0, 1], weights: [1] } }, ['priority', 'weights']],
  ])('rejects %s', (_what, input, path) => {
    const result = generatorSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it('accepts an empty object (no generator) and then generates nothing', () => {
    const c = generatorSchema.parse({});
    expect([...generateRequests(c, new RandomStreams(1))]).toEqual([]);
  });

  it('generateRequests refuses a rate without the required keys (unvalidated config)', () => {
    const c = { ...config(), count: undefined, duration: undefined };
    expect(() => generateRequests(c, new RandomStreams(1))).toThrow(/count/);
  });
});

describe('generateRequests', () => {
  it('yields `count` requests in non-decreasing arrival order with sampled lengths', () => {
    const requests = generate({ output_tokens: { dist: 'uniform', min: 5, max: 8 } });
    expect(requests).toHaveLength(500);
    expect(requests.every((r, i) => i === 0 || r.arrivalNs >= requests[i - 1]!.arrivalNs)).toBe(true);
    expect(requests.every((r) => r.prompt.length >= 10 && r.prompt.length <= 100)).toBe(true);
    expect(requests.every((r) => r.maxTokens >= 1 && r.maxTokens <= 50)).toBe(true);
    expect(requests.every((r) => r.outputTokens !== undefined && r.outputTokens >= 5 && r.outputTokens <= 8)).toBe(true);
    expect(new Set(requests.map((r) => r.prompt.length)).size).toBeGreaterThan(50);
    expect(requests.every((r) => r.id === undefined && r.abortAtNs === undefined)).toBe(true);
  });

  it('defaults: chat, streaming, priority 0, no output_tokens', () => {
    const requests = generate();
    expect(requests.every((r) => r.endpoint === 'chat' && r.stream && r.priority === 0 && r.outputTokens === undefined)).toBe(true);
  });

  it('takes endpoint and stream from `api`', () => {
    const requests = generate({ api: { endpoint: 'completions', stream: false } });
    expect(requests.every((r) => r.endpoint === 'completions' && !r.stream)).toBe(true);
  });

  it('gives every request its own content key and its own prompt content', () => {
    const requests = generate({ prompt_tokens: 16 });
    expect(new Set(requests.map((r) => r.contentKey)).size).toBe(requests.length);
    expect(new Set(requests.map((r) => r.prompt.toArray().join(','))).size).toBe(requests.length);
  });

  it('is deterministic: the same seed gives the same requests, another seed different ones', () => {
    const overrides = { prefix: { groups: 3, tokens: 20, fraction: 0.5 }, priority: { values: [0, 1, 2] }, output_tokens: { dist: 'normal', mean: 20, stddev: 5 } };
    const a = generate(overrides, 42);
    expect(generate(overrides, 42)).toEqual(a);
    const b = generate(overrides, 43);
    expect(b.map((r) => r.arrivalNs)).not.toEqual(a.map((r) => r.arrivalNs));
    expect(b.map((r) => r.prompt.length)).not.toEqual(a.map((r) => r.prompt.length));
  });

  it('is re-iterable: a second pass yields the same requests', () => {
    const iterable = generateRequests(config(), new RandomStreams(5));
    const first = [...iterable];
    expect([...iterable]).toEqual(first);
    expect(first).toHaveLength(500);
  });

  it('is lazy: the first 5 of a billion-request workload come at once', () => {
    const requests = take(generateRequests(config({ count: 1e9 }), new RandomStreams(1)), 5);
    expect(requests).toHaveLength(5);
    expect(requests.map((r) => r.contentKey)).toEqual([0, 1, 2, 3, 4]);
  });

  it('streams a million requests one at a time', () => {
    const iterable = generateRequests(config({ count: 1_000_000, rate: 1000, prompt_tokens: 2, max_tokens: 1 }), new RandomStreams(3));
    let n = 0;
    let last = -1;
    let ordered = true;
    for (const r of iterable) {
      if (r.arrivalNs < last) ordered = false;
      last = r.arrivalNs;
      n++;
    }
    expect(n).toBe(1_000_000);
    expect(ordered).toBe(true);
    // 1e6 poisson arrivals at 1000/s end near 1000 s (se 1 s).
    expect(Math.abs(last / NS_PER_S - 1000)).toBeLessThan(5);
  });

  it('duration: arrivals in [start, start + duration), exactly rate * duration for a constant process', () => {
    const requests = generate({ arrival: 'constant', count: undefined, duration: 1, start: 2 });
    expect(requests.map((r) => r.arrivalNs)).toEqual([2, 2.1, 2.2, 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9].map((s) => Math.round(s * NS_PER_S)));
  });

  it('duration cuts a poisson workload at start + duration', () => {
    const requests = generate({ rate: 100, count: undefined, duration: '50s', start: 10 });
    expect(requests.every((r) => r.arrivalNs > 10 * NS_PER_S && r.arrivalNs < 60 * NS_PER_S)).toBe(true);
    // Poisson count over 50 s at 100/s: mean 5000, sd 71; 5 sd = 354.
    expect(Math.abs(requests.length - 5000)).toBeLessThan(354);
    expect(requests.at(-1)!.arrivalNs).toBeGreaterThan(59 * NS_PER_S);
  });

  it('with count and duration, whichever comes first stops the workload', () => {
    expect(generate({ arrival: 'constant', count: 3, duration: 100 })).toHaveLength(3);
    expect(generate({ arrival: 'constant', count: 1000, duration: 1 })).toHaveLength(10);
    expect(generate({ count: 0 })).toHaveLength(0);
  });

  it('weighted priorities follow the weights', () => {
    const requests = generate({ count: 20_000, priority: { values: [0, 5], weights: [1, 3] } });
    // Binomial se = sqrt(0.75 * 0.25 / 20000) = 0.0031: 5 se = 0.015.
    const urgent = requests.filter((r) => r.priority === 0).length / requests.length;
    expect(Math.abs(urgent - 0.25)).toBeLessThan(0.016);
    expect(requests.every((r) => r.priority === 0 || r.priority === 5)).toBe(true);
  });

  it('a constant priority applies to every request', () => {
    expect(generate({ priority: -3 }).every((r) => r.priority === -3)).toBe(true);
  });
});

describe('stream independence', () => {
  const arrivals = (rs: RequestSpec[]): number[] => rs.map((r) => r.arrivalNs);
  const maxTokens = (rs: RequestSpec[]): number[] => rs.map((r) => r.maxTokens);
  const ownLengths = (rs: RequestSpec[], prefixTokens: number): number[] =>
    rs.map((r) => r.prompt.length - (r.prompt.length > 100 ? prefixTokens : 0));

  it('changing the prefix settings changes neither arrivals nor lengths nor priorities', () => {
    const base = generate({ priority: { values: [0, 1] } });
    const withPrefix = generate({ priority: { values: [0, 1] }, prefix: { groups: 5, tokens: 200, fraction: 0.5 } });
    expect(withPrefix.some((r) => r.prompt.length > 100)).toBe(true);
    expect(arrivals(withPrefix)).toEqual(arrivals(base));
    expect(maxTokens(withPrefix)).toEqual(maxTokens(base));
    expect(withPrefix.map((r) => r.priority)).toEqual(base.map((r) => r.priority));
    // The request's own part keeps its length: the prefix is prepended, not carved out of it.
    expect(ownLengths(withPrefix, 200)).toEqual(base.map((r) => r.prompt.length));
  });

  it('changing the arrival process changes no lengths; changing lengths changes no arrivals', () => {
    const base = generate();
    expect(maxTokens(generate({ arrival: { process: 'gamma', cv: 3 } }))).toEqual(maxTokens(base));
    const otherPrompts = generate({ prompt_tokens: { dist: 'lognormal', mean: 50, stddev: 30 } });
    expect(arrivals(otherPrompts)).toEqual(arrivals(base));
    expect(maxTokens(otherPrompts)).toEqual(maxTokens(base));
    expect(otherPrompts.map((r) => r.prompt.length)).not.toEqual(base.map((r) => r.prompt.length));
  });

  it('changing the prefix fraction keeps the group of every request that still has a prefix', () => {
    const groupOf = (r: RequestSpec): number => r.prompt.tokenAt(0); // the first token identifies the group
    const all = generate({ prefix: { groups: 7, tokens: 200, fraction: 1 } });
    const some = generate({ prefix: { groups: 7, tokens: 200, fraction: 0.3 } });
    let kept = 0;
    some.forEach((r, i) => {
      if (r.prompt.length > 100) {
        kept++;
        expect(groupOf(r)).toBe(groupOf(all[i]!));
      }
    });
    expect(kept).toBeGreaterThan(100);
    expect(kept).toBeLessThan(200);
  });
});
