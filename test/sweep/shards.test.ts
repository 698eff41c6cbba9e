// Sharding and merging: the shards partition the points, and merging their documents in any order
// gives the unsharded document byte for byte; anything that would not is refused.
import { describe, expect, it } from 'vitest';
import { allPoints, parseAxes } from '../../src/sweep/axes.js';
import { mergeDocuments, serializeDocument, type DocumentHeader, type PointEntry } from '../../src/sweep/document.js';
import { inShard, resolveShard } from '../../src/sweep/shard.js';

describe('resolveShard', () => {
  it('reads --shard i/N, or --shards N with JOB_COMPLETION_INDEX', () => {
    expect(resolveShard(undefined, undefined, {})).toBeUndefined();
    expect(resolveShard('2/5', undefined, {})).toEqual({ index: 2, count: 5 });
    expect(resolveShard(undefined, '5', { JOB_COMPLETION_INDEX: '4' })).toEqual({ index: 4, count: 5 });
  });

  it.each([
    ['5/5', undefined, {}, /out of range/],
    ['1/0', undefined, {}, /at least 1 shard/],
    ['a/2', undefined, {}, /expected i\/N/],
    ['1/2/3', undefined, {}, /expected i\/N/],
    [undefined, '3', {}, /JOB_COMPLETION_INDEX is not set/],
    [undefined, '3', { JOB_COMPLETION_INDEX: 'x' }, /not a whole number/],
    [undefined, '3', { JOB_COMPLETION_INDEX: '3' }, /out of range/],
    ['0/2', '2', {}, /not both/],
  ])('rejects --shard %s --shards %s (%j)', (shard, shards, env, message) => {
    expect(() => resolveShard(shard, shards, env)).toThrow(message);
  });

  it('gives every point to exactly one shard, round-robin', () => {
    const points = allPoints(parseAxes(['a=1:7:1', 'b=x,y,z']));
    for (const count of [1, 2, 3, 4, 25]) {
      const owners = points.map((p) => Array.from({ length: count }, (_, index) => index).filter((index) => inShard(p.index, { index, count })));
      expect(owners.every((o) => o.length === 1)).toBe(true);
      expect(owners.map((o) => o[0])).toEqual(points.map((p) => p.index % count));
    }
  });
});

describe('mergeDocuments', () => {
  const axes = parseAxes(['engine.max_num_seqs=64,128', 'workload.rate=0.1:0.5:0.1']);
  const header: DocumentHeader = { simtrace: 'sweep', version: 1, scenario: 's', axes, seeds: 1 };
  // Values that JSON must carry exactly: a float, NaN (null), large and tiny numbers.
  const entries: PointEntry[] = allPoints(axes).map((p) => ({ index: p.index, values: p.values, metrics: { a: p.index / 3, b: Number.NaN, c: 1e21, d: 5e-324 } }));
  const whole = serializeDocument({ header, points: entries });
  const shard = (index: number, count: number) =>
    serializeDocument({ header, shard: { index, count }, points: entries.filter((e) => inShard(e.index, { index, count })) });

  it.each([1, 2, 3, 7, 10, 13])('joins %i shards into the unsharded bytes, in any order', (count) => {
    const docs = Array.from({ length: count }, (_, i) => ({ file: `s${i}.json`, text: shard(i, count) }));
    expect(mergeDocuments(docs)).toBe(whole);
    expect(mergeDocuments([...docs].reverse())).toBe(whole);
  });

  it('accepts an unsharded document alone', () => {
    expect(mergeDocuments([{ file: 'all.json', text: whole }])).toBe(whole);
  });

  it('refuses a missing, repeated or foreign shard', () => {
    const [a, b, c] = [0, 1, 2].map((i) => ({ file: `s${i}.json`, text: shard(i, 3) }));
    expect(() => mergeDocuments([a!, b!])).toThrow(/missing shard 2\/3/);
    expect(() => mergeDocuments([a!, b!, c!, { file: 'again.json', text: c!.text }])).toThrow(/given twice/);
    expect(() => mergeDocuments([a!, { file: 'two.json', text: shard(1, 2) }, c!])).toThrow(/one of 3 shards/);
    const other = serializeDocument({ header: { ...header, scenario: 'other' }, shard: { index: 2, count: 3 }, points: [] });
    expect(() => mergeDocuments([a!, b!, { file: 'other.json', text: other }])).toThrow(/different sweep/);
    expect(() => mergeDocuments([{ file: 'x.json', text: '{"simtrace":"sweep"' }])).toThrow(/not a JSON document/);
    expect(() => mergeDocuments([{ file: 'x.json', text: '{"a":1}' }])).toThrow(/--json output of simtrace sweep/);
  });

  it('refuses shards that do not hold every point', () => {
    const partial = serializeDocument({ header, points: entries.slice(1) });
    expect(() => mergeDocuments([{ file: 'p.json', text: partial }])).toThrow(/hold 9 points, the sweep has 10/);
  });
});
