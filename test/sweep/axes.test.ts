// --vary parsing: ranges without float drift, lists as YAML scalars, the product's order, and the
// errors a typo gets.
import { describe, expect, it } from 'vitest';
import { allPoints, parseAxes, parseAxis, pointAt, pointCount, pointOverrides } from '../../src/sweep/axes.js';
import { parseScenario } from '../../src/scenario/load.js';
import { InputError } from '../../src/scenario/problems.js';

describe('parseAxis', () => {
  it.each([
    ['workload.rate=2:20:2', [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]],
    // Repeated addition of 0.1 gives 0.30000000000000004 and would drop the stop.
    ['workload.rate=0.1:0.3:0.1', [0.1, 0.2, 0.3]],
    ['workload.rate=0.7:1:0.1', [0.7, 0.8, 0.9, 1]],
    // The stop is included only when it lands on a step.
    ['workload.rate=1:2:0.3', [1, 1.3, 1.6, 1.9]],
    ['workload.rate=1e-3:3e-3:1e-3', [0.001, 0.002, 0.003]],
    ['workload.rate=5:5:1', [5]],
    ['engine.num_gpu_blocks=1e3:3e3:1e3', [1000, 2000, 3000]],
  ])('%s', (flag, values) => {
    expect(parseAxis(flag).values).toEqual(values);
  });

  it('gives every range value the exact double its decimal text parses to', () => {
    const values = parseAxis('x=0.01:1.5:0.01').values as number[];
    expect(values).toHaveLength(150);
    values.forEach((v, i) => expect(v).toBe(Number(((i + 1) / 100).toFixed(2))));
  });

  it('reads list values as YAML scalars, as --set does', () => {
    expect(parseAxis('engine.scheduling_policy=fcfs,priority').values).toEqual(['fcfs', 'priority']);
    expect(parseAxis('engine.max_num_seqs=64,128,256').values).toEqual([64, 128, 256]);
    expect(parseAxis('engine.enable_prefix_caching=true,false').values).toEqual([true, false]);
    expect(parseAxis('frontend.output_delay=5ms,1').values).toEqual(['5ms', 1]);
  });

  it.each([
    ['workload.rate', /expected KEY=VALUES/],
    ['=1,2', /expected KEY=VALUES/],
    ['workload.rate=1:5:0', /step > 0/],
    ['workload.rate=5:1:1', /stop >= start/],
    ['workload.rate=a:b:c', /range start:stop:step of numbers/],
    ['workload.rate=1,,2', /between every pair of commas/],
    ['workload.rate=1,2,1', /listed twice/],
    ['workload.rate=1:1000000:1', /at most 100000/],
  ])('rejects %s', (flag, message) => {
    expect(() => parseAxis(flag)).toThrow(InputError);
    expect(() => parseAxis(flag)).toThrow(message);
  });

  it('rejects a key varied twice', () => {
    expect(() => parseAxes(['workload.rate=1,2', 'workload.rate=3'])).toThrow(/varied twice/);
  });
});

describe('the product', () => {
  const axes = parseAxes(['engine.max_num_seqs=64,128', 'workload.rate=2:6:2']);

  it('varies the first axis slowest, like nested loops in flag order', () => {
    expect(pointCount(axes)).toBe(6);
    expect(allPoints(axes).map((p) => Object.values(p.values))).toEqual([
      [64, 2],
      [64, 4],
      [64, 6],
      [128, 2],
      [128, 4],
      [128, 6],
    ]);
    expect(pointAt(axes, 4)).toEqual({ index: 4, values: { 'engine.max_num_seqs': 128, 'workload.rate': 4 } });
  });

  it('has one point, the scenario as written, with no axes', () => {
    expect(allPoints([])).toEqual([{ index: 0, values: {} }]);
  });

  it("applies a point's values through --set exactly (strings stay strings, floats stay exact)", () => {
    const text = 'engine: {num_gpu_blocks: 1000}\nmodel: {step_time: {type: constant, duration: 1ms}}\nworkload: {rate: 1, count: 1, prompt_tokens: 8, max_tokens: 2}\n';
    const point = pointAt(parseAxes(['workload.rate=0.1:0.3:0.1', 'engine.scheduling_policy=priority']), 2);
    expect(pointOverrides(point)).toEqual(['workload.rate=0.3', 'engine.scheduling_policy="priority"']);
    const { scenario } = parseScenario(text, 't.yaml', pointOverrides(point));
    expect(scenario.workload.rate).toBe(0.3);
    expect(scenario.engine.scheduling_policy).toBe('priority');
  });
});
