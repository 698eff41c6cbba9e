import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  archFromHfConfig,
  deriveNumGpuBlocks,
  DEFAULT_ACTIVATION_RESERVE,
  kvBytesPerToken,
  lookupGpu,
  lookupModel,
  totalParams,
} from '../../src/model/catalog.js';
import { parseScenario } from '../../src/scenario/load.js';

const GiB = 1024 ** 3;

describe('model catalog', () => {
  it('holds the measured runs\' dimensions (workload.json model_config) and known parameter counts', () => {
    const llama2 = lookupModel('meta-llama/Llama-2-7b-hf')!;
    expect(llama2).toMatchObject({ layers: 32, hidden: 4096, heads: 32, kv_heads: 32, intermediate: 11008, vocab: 32000 });
    // Hugging Face reports 6,738,415,616 parameters; norms (266k) are left out here.
    expect(totalParams(llama2)).toBe(6_738_149_376);
    const mixtral = lookupModel('mistralai/Mixtral-8x7B-v0.1')!;
    expect(mixtral).toMatchObject({ kv_heads: 8, intermediate: 14336, experts: 8, experts_per_token: 2 });
    expect(totalParams(mixtral) / 1e9).toBeCloseTo(46.7, 1); // 46.7 B
    expect(totalParams(lookupModel('codellama/CodeLlama-34b-Instruct-hf')!) / 1e9).toBeCloseTo(33.7, 1);
    expect(totalParams(lookupModel('meta-llama/Llama-3.1-8B-Instruct')!) / 1e9).toBeCloseTo(8.03, 2);
    expect(totalParams(lookupModel('meta-llama/Llama-3.1-70B-Instruct')!) / 1e9).toBeCloseTo(70.55, 1);
    expect(lookupModel('Qwen/Qwen2.5-7B-Instruct')).toMatchObject({ layers: 28, hidden: 3584, heads: 28, kv_heads: 4, vocab: 152064 });
    expect(lookupModel('no/such-model')).toBeUndefined();
  });

  it('reads a Hugging Face config.json', () => {
    const arch = archFromHfConfig({ num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 128, vocab_size: 100, torch_dtype: 'bfloat16' });
    expect(arch).toMatchObject({ layers: 2, hidden: 64, heads: 4, kv_heads: 2, head_dim: 16, experts: 0, bytes_per_param: 2 });
    expect(kvBytesPerToken(arch)).toBe(2 * 2 * 2 * 16 * 2);
    expect(() => archFromHfConfig({ hidden_size: 64 })).toThrow(/num_attention_heads/);
  });

  it('has the GPU figures of the reference data', () => {
    expect(lookupGpu('H100')).toMatchObject({ flops: 989.5e12, hbm_bandwidth: 3.35e12, memory: 80 * GiB });
    expect(lookupGpu('a100-80gb')?.flops).toBe(312e12);
    expect(lookupGpu('L40S')?.hbm_bandwidth).toBe(0.864e12);
    expect(lookupGpu('H200')?.hbm_bandwidth).toBe(4.8e12);
    expect(lookupGpu('TPU')).toBeUndefined();
  });
});

describe('num_gpu_blocks derivation', () => {
  it('matches a hand computation', () => {
    // Llama-2-7B, H100, TP1, block 16: 0.9 x 80 GiB - 6,738,149,376 x 2 B - 1.5 GiB, over
    // 16 x 2 x 32 layers x 32 heads x 128 x 2 B = 8 MiB per block.
    const available = 0.9 * 80 * GiB - 6_738_149_376 * 2 - 1.5 * GiB;
    const expected = Math.floor(available / (8 * 1024 * 1024)) + 1;
    expect(expected).toBe(7418);
    const blocks = deriveNumGpuBlocks(lookupModel('meta-llama/Llama-2-7b-hf')!, lookupGpu('H100')!, {
      gpu_memory_utilization: 0.9,
      activation_reserve: DEFAULT_ACTIVATION_RESERVE,
      block_size: 16,
      tensor_parallel_size: 1,
    });
    expect(blocks).toBe(expected);
  });

  it('is within 1 % of what vLLM profiled on the measured H100 runs (kv_blocks_total_gpu + 1)', () => {
    const cases: [string, number, number][] = [
      ['meta-llama/Llama-2-7b-hf', 1, 7463],
      ['mistralai/Mixtral-8x7B-v0.1', 2, 27511],
      ['codellama/CodeLlama-34b-Instruct-hf', 2, 26603],
    ];
    for (const [name, tp, measured] of cases) {
      const blocks = deriveNumGpuBlocks(lookupModel(name)!, lookupGpu('H100')!, { gpu_memory_utilization: 0.9, activation_reserve: DEFAULT_ACTIVATION_RESERVE, block_size: 16, tensor_parallel_size: tp });
      expect(Math.abs(blocks - measured) / measured).toBeLessThan(0.01);
    }
  });

  it('fills engine.num_gpu_blocks when a scenario leaves it out, and refuses an unknown model', () => {
    const yaml = (model: string) => `engine: {block_size: 16}\nmodel: ${model}\nworkload: {requests: [{id: a, arrival: 0, prompt_tokens: 10, max_tokens: 2}]}\n`;
    const { config } = parseScenario(yaml('{name: meta-llama/Llama-2-7b-hf, gpu: H100}'), 's.yaml');
    expect(config.engine.numGpuBlocks).toBe(7418);
    expect(config.stepTime.type).toBe('roofline');
    const half = parseScenario(yaml('{name: meta-llama/Llama-2-7b-hf, gpu: H100, gpu_memory_utilization: 0.5}'), 's.yaml');
    expect(half.config.engine.numGpuBlocks).toBeLessThan(4000);
    expect(() => parseScenario(yaml('{name: acme/unknown}'), 's.yaml')).toThrow(/num_gpu_blocks: required[\s\S]*not a built-in model/);
    expect(() => parseScenario(yaml('{name: meta-llama/Llama-2-7b-hf, gpu: TPU}'), 's.yaml')).toThrow(/H100/);
    expect(parse('a: 1')).toEqual({ a: 1 });
  });
});

describe('model section', () => {
  it('runs Llama-3.1-8B on an H100 from name and GPU alone, and takes a config.json and coefficient overrides', async () => {
    const { runSimulation } = await import('../../src/server/simulation.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const work = 'workload: {rate: 4, count: 20, prompt_tokens: 500, max_tokens: 50}\n';
    const plain = parseScenario(`engine: {max_model_len: 8192}\nmodel: {name: meta-llama/Llama-3.1-8B-Instruct, gpu: H100, tensor_parallel_size: 1}\n${work}`, 's.yaml');
    // Llama-3.1-8B: 128 KiB of KV per token, 2 MiB per block; 0.9 x 80 GiB - 16.06 GB - 1.5 GiB.
    expect(plain.config.engine.numGpuBlocks).toBe(Math.floor((0.9 * 80 * GiB - totalParams(lookupModel('meta-llama/Llama-3.1-8B-Instruct')!) * 2 - 1.5 * GiB) / (2 * 1024 * 1024)) + 1);
    const a = await runSimulation(plain.config);
    expect(a.summary.completed).toBe(20);
    // Doubling the weight-read coefficient slows decode (ITL up).
    const slow = parseScenario(`engine: {max_model_len: 8192}\nmodel: {name: meta-llama/Llama-3.1-8B-Instruct, step_time: {type: roofline, coefficients: {weights: 3, decode_compute: 0.1}}}\n${work}`, 's.yaml');
    const b = await runSimulation(slow.config);
    expect(b.summary.itl_ms.mean).toBeGreaterThan(a.summary.itl_ms.mean * 1.3);
    // An unknown name with a Hugging Face config.json beside the scenario.
    const dir = mkdtempSync(join(tmpdir(), 'simtrace-model-'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ num_hidden_layers: 32, hidden_size: 4096, num_attention_heads: 32, num_key_value_heads: 8, intermediate_size: 14336, vocab_size: 128256 }));
    const hf = parseScenario(`engine: {max_model_len: 8192}\nmodel: {name: acme/my-llama, architecture: config.json, gpu: H100}\n${work}`, join(dir, 's.yaml'));
    const { resolveScenario } = await import('../../src/scenario/resolve.js');
    expect(hf.config.engine.numGpuBlocks).toBe(plain.config.engine.numGpuBlocks);
    expect(resolveScenario).toBeTypeOf('function');
    expect(() => parseScenario(`engine: {num_gpu_blocks: 900}\nmodel: {name: meta-llama/Llama-3.1-8B-Instruct, step_time: {type: roofline, coefficients: {wieghts: 1}}}\n${work}`, 's.yaml')).toThrow(/wieghts/);
  });
});

describe('shipped coefficients', () => {
  it('are the calibrate output kept beside them (to 4 significant digits)', async () => {
    const { readFileSync } = await import('node:fs');
    const { DEFAULT_COEFFICIENTS } = await import('../../src/model/default-coefficients.js');
    const fitted = parse(readFileSync('src/model/default-coefficients.yaml', 'utf8')) as { step: Record<string, number>; frontend: Record<string, number> };
    for (const [k, v] of Object.entries(fitted.step)) expect(DEFAULT_COEFFICIENTS.step[k as keyof typeof DEFAULT_COEFFICIENTS.step] / v).toBeCloseTo(1, 3);
    expect(DEFAULT_COEFFICIENTS.frontend.input_delay / fitted.frontend.input_delay!).toBeCloseTo(1, 3);
  });
});
