// The model section's derived values: the architecture (catalog, inline, or a Hugging Face
// config.json), the GPU, num_gpu_blocks when the engine leaves it out, and the step-time model
// (the roofline with the shipped coefficients when step_time is left out).
import { resolve as resolvePath } from 'node:path';
import type { z } from 'zod';
import { DEFAULT_COEFFICIENTS } from '../model/default-coefficients.js';
import { DEFAULT_ACTIVATION_RESERVE, deriveNumGpuBlocks, GPU_NAMES, lookupGpu, lookupModel, readHfConfig, type ModelArch } from '../model/catalog.js';
import { mergeCoefficients, readCoefficientsFile, type RooflineCoefficients } from '../timing/roofline.js';
import type { StepTimeConfig } from '../timing/step-time.js';
import { InputError } from './problems.js';
import type { modelSchema } from './schema.js';

type ModelFields = z.output<typeof modelSchema>;

/** The model's architecture, or undefined when neither given nor in the catalog. */
export function architectureOf(model: ModelFields, baseDir = '.'): ModelArch | undefined {
  const a = model.architecture;
  if (a === undefined) return lookupModel(model.name);
  if (typeof a !== 'string') return a;
  const file = resolvePath(baseDir, a);
  try {
    return readHfConfig(file);
  } catch (error) {
    throw new InputError([{ file, path: 'model.architecture', message: `cannot read a Hugging Face config.json: ${(error as Error).message}` }]);
  }
}

/** Problems of the model section; false when the engine limits cannot be checked. */
export function checkModel(model: ModelFields, needBlocks: boolean, ctx: z.core.$RefinementCtx): boolean {
  const needArch = needBlocks || model.step_time === undefined || model.step_time.type === 'roofline';
  let ok = true;
  if (lookupGpu(model.gpu) === undefined) {
    ctx.addIssue({ code: 'custom', path: ['model', 'gpu'], message: `expected one of ${GPU_NAMES.join(', ')}, found ${JSON.stringify(model.gpu)}` });
    ok = false;
  }
  if (needArch && model.architecture === undefined && lookupModel(model.name) === undefined) {
    if (needBlocks) {
      ctx.addIssue({ code: 'custom', path: ['engine', 'num_gpu_blocks'], message: 'required, expected number (or a built-in model.name or a model.architecture to derive it from)' });
    }
    if (model.step_time === undefined || model.step_time.type === 'roofline') {
      ctx.addIssue({
        code: 'custom',
        path: ['model', 'name'],
        message: `${JSON.stringify(model.name)} is not a built-in model: give model.architecture (dimensions, or a config.json path)${model.step_time === undefined ? ', or a linear/constant model.step_time' : ''}`,
      });
    }
    ok = false;
  }
  return ok;
}

/** engine.num_gpu_blocks, or else derived as vLLM sizes the pool (catalog.deriveNumGpuBlocks). */
export function numGpuBlocksOf(scenario: { engine: { num_gpu_blocks?: number | undefined; block_size: number }; model: ModelFields }, baseDir = '.'): number {
  const given = scenario.engine.num_gpu_blocks;
  if (given !== undefined) return given;
  const arch = architectureOf(scenario.model, baseDir);
  const gpu = lookupGpu(scenario.model.gpu);
  if (arch === undefined || gpu === undefined) throw new InputError([{ file: '', path: 'engine.num_gpu_blocks', message: 'required unless model names a known model and GPU' }]);
  return deriveNumGpuBlocks(arch, gpu, {
    gpu_memory_utilization: scenario.model.gpu_memory_utilization,
    activation_reserve: scenario.model.activation_reserve ?? DEFAULT_ACTIVATION_RESERVE,
    block_size: scenario.engine.block_size,
    tensor_parallel_size: scenario.model.tensor_parallel_size,
  });
}

/** The coefficients a roofline step_time names: shipped defaults, overridden inline or by a file. */
export function coefficientsOf(model: ModelFields, baseDir = '.'): RooflineCoefficients {
  const st = model.step_time;
  const c = st?.type === 'roofline' ? st.coefficients : undefined;
  if (c === undefined) return DEFAULT_COEFFICIENTS;
  if (typeof c === 'string') {
    const file = resolvePath(baseDir, c);
    try {
      return readCoefficientsFile(file, DEFAULT_COEFFICIENTS);
    } catch (error) {
      throw new InputError([{ file, path: 'model.step_time.coefficients', message: `cannot read a coefficients file: ${(error as Error).message.split('\n')[0]}` }]);
    }
  }
  const { input_delay, completion_delay, ...step } = c;
  return mergeCoefficients(DEFAULT_COEFFICIENTS, step, { input_delay, completion_delay });
}

export function resolveStepTime(model: ModelFields, baseDir = '.'): StepTimeConfig {
  const st = model.step_time;
  if (st !== undefined && st.type !== 'roofline') return st;
  const arch = architectureOf(model, baseDir);
  const gpu = lookupGpu(model.gpu);
  if (arch === undefined || gpu === undefined) throw new InputError([{ file: '', path: 'model', message: 'the roofline step time needs a known model and GPU' }]);
  const coefficients = coefficientsOf(model, baseDir);
  return { type: 'roofline', arch, gpu, tensor_parallel_size: model.tensor_parallel_size, coefficients: coefficients.step, completion_delay: coefficients.frontend.completion_delay };
}
