// Scenario loading: located messages (file:line:col, dotted path, expected vs found), did-you-mean,
// --set overrides, vLLM's defaulting rules and the configurations vLLM refuses.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.js';
import { InputError } from '../../src/scenario/problems.js';

const VALID = `seed: 3
engine:
  num_gpu_blocks: 300
model:
  step_time: {type: constant, duration: 10ms}
workload:
  requests:
    - {id: A, arrival: 0, prompt_tokens: 80, max_tokens: 3}
`;

function problems(text: string, overrides: string[] = []): string[] {
  try {
    parseScenario(text, 'sc.yaml', overrides);
  } catch (error) {
    if (error instanceof InputError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('valid scenarios', () => {
  it('applies vLLM defaults and converts units', () => {
    const { config } = parseScenario(VALID, 'dir/my-scenario.yaml');
    expect(config.name).toBe('my-scenario');
    expect(config.seed).toBe(3);
    expect(config.engine).toEqual({
      maxNumSeqs: 256,
      maxNumBatchedTokens: 2048,
      maxModelLen: 4096,
      enableChunkedPrefill: true,
      longPrefillTokenThreshold: 0,
      policy: 'fcfs',
      blockSize: 16,
      numGpuBlocks: 300,
      enablePrefixCaching: true,
      asyncScheduling: true, // vLLM's default
    });
    expect(config.stepTime).toEqual({ type: 'constant', duration: 0.01 });
    expect(config.observability.stepTracingSampleRate).toBe(0.01);
    expect(config.observability.stepTracingRichSubsampleRate).toBe(0.001);
    expect(config.epochNs).toBe(1767225600000000000n);
  });

  it('runs the sync engine loop only when async_scheduling is false', () => {
    const sync = parseScenario(VALID.replace('num_gpu_blocks: 300', 'num_gpu_blocks: 300\n  async_scheduling: false'), 'sc.yaml');
    expect(sync.config.engine.asyncScheduling ?? false).toBe(false);
    expect(parseScenario(VALID, 'sc.yaml', ['engine.async_scheduling=false']).config.engine.asyncScheduling ?? false).toBe(false);
    expect(parseScenario(VALID, 'sc.yaml', ['engine.async_scheduling=true']).config.engine.asyncScheduling).toBe(true);
  });

  it('raises the token budget to max_model_len when chunked prefill is off and it was not given', () => {
    const { config } = parseScenario(VALID.replace('num_gpu_blocks: 300', 'num_gpu_blocks: 600\n  enable_chunked_prefill: false\n  max_model_len: 8192'), 'sc.yaml');
    expect(config.engine.maxNumBatchedTokens).toBe(8192);
  });

  it('caps a defaulted max_num_seqs by the token budget', () => {
    const { config } = parseScenario(VALID.replace('num_gpu_blocks: 300', 'num_gpu_blocks: 300\n  max_num_batched_tokens: 100\n  max_model_len: 100'), 'sc.yaml');
    expect(config.engine.maxNumSeqs).toBe(100);
  });

  it('applies --set overrides as YAML scalars, including list items', () => {
    const { config, scenario } = parseScenario(VALID, 'sc.yaml', ['engine.num_gpu_blocks=4096', 'engine.enable_prefix_caching=false', 'workload.requests.0.max_tokens=9']);
    expect(config.engine.numGpuBlocks).toBe(4096);
    expect(config.engine.enablePrefixCaching).toBe(false);
    expect(scenario.workload.requests?.[0]?.max_tokens).toBe(9);
  });

  it('reads sub-millisecond epochs exactly', () => {
    const { config } = parseScenario(`${VALID}clock: {epoch: "2026-01-01T00:00:01.000000123Z"}\n`, 'sc.yaml');
    expect(config.epochNs).toBe(1767225601000000123n);
  });
});

describe('problems are located and all reported at once', () => {
  it('names the line and column, the path, what was expected and what was found', () => {
    const text = `engine:
  num_gpu_blocks: 300
  max_num_seq: 8
model:
  step_time: {type: constant, duration: fast}
workload:
  rate: -3
  count: 10
  prompt_tokens: 100
  max_tokens: 10
`;
    expect(problems(text)).toEqual([
      "sc.yaml:3:3: engine.max_num_seq: unknown key; did you mean 'max_num_seqs'?",
      'sc.yaml:5:41: model.step_time.duration: expected a duration (seconds, or a string such as 250ms, 2s, 1.5m), found "fast"',
      'sc.yaml:7:9: workload.rate: expected a rate in requests per second (a number > 0), found -3',
    ]);
  });

  it('points a missing key at its parent', () => {
    expect(problems(VALID.replace('  num_gpu_blocks: 300\n', '  block_size: 16\n'))).toEqual([
      'sc.yaml:3:3: engine.num_gpu_blocks: required, expected number (or a built-in model.name or a model.architecture to derive it from)',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const [message] = problems('engine:\n  num_gpu_blocks: [1, 2\n');
    expect(message).toMatch(/^sc\.yaml:\d+:\d+: invalid YAML: /);
  });

  it('attributes a bad --set value to the flag', () => {
    expect(problems(VALID, ['engine.max_num_seqs=abc'])).toEqual(['--set engine.max_num_seqs=abc: engine.max_num_seqs: expected number, found "abc"']);
    expect(problems(VALID, ['nokey'])[0]).toMatch(/^--set nokey: expected KEY=VALUE/);
  });

  it('lists the accepted keys when nothing is close', () => {
    expect(problems(`${VALID}frontend: {zzz: 1}\n`)).toEqual(['sc.yaml:9:12: frontend.zzz: unknown key; expected one of: input_delay, output_delay']);
  });
});

describe('configurations vLLM refuses', () => {
  it.each([
    ['max_num_batched_tokens < max_num_seqs', 'num_gpu_blocks: 300\n  max_num_seqs: 64\n  max_num_batched_tokens: 32\n  max_model_len: 32', /must be greater than or equal to max_num_seqs/],
    ['chunked prefill off with a budget below max_model_len', 'num_gpu_blocks: 600\n  enable_chunked_prefill: false\n  max_num_batched_tokens: 2048', /with chunked prefill off/],
    ['a pool that cannot hold one max_model_len request', 'num_gpu_blocks: 10', /cannot hold one request of max_model_len 4096/],
  ])('%s', (_name, engine, message) => {
    const found = problems(VALID.replace('num_gpu_blocks: 300', engine));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
    expect(found[0]).toMatch(/^sc\.yaml:\d+:\d+: engine\./);
  });
});
