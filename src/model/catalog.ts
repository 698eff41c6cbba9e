// Model and GPU catalogs for the roofline step time (issue 6). A model is its architecture, the
// numbers a roofline needs; a GPU is its dense BF16 FLOP/s, HBM bandwidth, memory and interconnect.
//
// Model dimensions: the measured runs' own workload.json `model_config` (Llama-2-7B, Mixtral-8x7B,
// CodeLlama-34B: /work/shared/data/measured), the others from their Hugging Face config.json.
// GPU figures: BLIS's hardware_config.json (data/reference/blis-hardware_config.json) for H100, A100
// and L40S peak dense BF16 TFLOP/s and HBM TB/s; H200 from NVIDIA's H200 datasheet (same compute as
// H100 SXM, 4.8 TB/s, 141 GB). Interconnect: NVLink 4 900 GB/s bidirectional (450 GB/s each way) on
// H100/H200 SXM, NVLink 3 600 GB/s (300 each way) on A100 SXM, PCIe Gen4 x16 (~32 GB/s) on L40S.
import { readFileSync } from 'node:fs';

export interface ModelArch {
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  readonly kv_heads: number;
  /** hidden / heads unless the model says otherwise. */
  readonly head_dim?: number | undefined;
  readonly intermediate: number;
  /** 0 for a dense model. */
  readonly experts: number;
  readonly experts_per_token: number;
  readonly vocab: number;
  /** 2 for BF16/FP16 weights and KV cache. */
  readonly bytes_per_param: number;
  /** Input and output embeddings tied (one matrix). */
  readonly tie_embeddings?: boolean | undefined;
}

export interface GpuSpec {
  /** Dense BF16 FLOP/s (no sparsity). */
  readonly flops: number;
  /** HBM bytes per second. */
  readonly hbm_bandwidth: number;
  /** Memory in bytes. */
  readonly memory: number;
  /** Per-direction GPU-to-GPU bandwidth for all-reduce, bytes per second. */
  readonly link_bandwidth: number;
}

const GiB = 1024 ** 3;

export const GPUS: Readonly<Record<string, GpuSpec>> = {
  // BLIS: TFlopsPeak 989.5, BwPeakTBs 3.35, MemoryGiB 80.
  H100: { flops: 989.5e12, hbm_bandwidth: 3.35e12, memory: 80 * GiB, link_bandwidth: 450e9 },
  // NVIDIA H200 datasheet: 989 TFLOP/s dense BF16, 4.8 TB/s, 141 GB.
  H200: { flops: 989.5e12, hbm_bandwidth: 4.8e12, memory: 141e9, link_bandwidth: 450e9 },
  // BLIS A100-80: 312 TFLOP/s, 2.039 TB/s, 80 GiB.
  'A100-80GB': { flops: 312e12, hbm_bandwidth: 2.039e12, memory: 80 * GiB, link_bandwidth: 300e9 },
  // BLIS L40S: 362.05 TFLOP/s, 0.864 TB/s, 48 GiB.
  L40S: { flops: 362.05e12, hbm_bandwidth: 0.864e12, memory: 48 * GiB, link_bandwidth: 32e9 },
};

const GPU_ALIASES: Readonly<Record<string, string>> = { 'H100-80GB': 'H100', 'H100-SXM': 'H100', A100: 'A100-80GB', 'A100-80': 'A100-80GB', 'A100-SXM': 'A100-80GB' };

const dense = (layers: number, hidden: number, heads: number, kv_heads: number, intermediate: number, vocab: number): ModelArch => ({
  layers,
  hidden,
  heads,
  kv_heads,
  intermediate,
  experts: 0,
  experts_per_token: 0,
  vocab,
  bytes_per_param: 2,
});

/** Keyed by lower-cased Hugging Face id. */
export const MODELS: Readonly<Record<string, ModelArch>> = {
  // workload.json model_config of the measured runs.
  'meta-llama/llama-2-7b-hf': dense(32, 4096, 32, 32, 11008, 32000),
  'mistralai/mixtral-8x7b-v0.1': { ...dense(32, 4096, 32, 8, 14336, 32000), experts: 8, experts_per_token: 2 },
  'codellama/codellama-34b-instruct-hf': dense(48, 8192, 64, 8, 22016, 32000),
  // Hugging Face config.json of each repo.
  'meta-llama/llama-3.1-8b-instruct': dense(32, 4096, 32, 8, 14336, 128256),
  'meta-llama/llama-3.1-70b-instruct': dense(80, 8192, 64, 8, 28672, 128256),
  'qwen/qwen2.5-7b-instruct': dense(28, 3584, 28, 4, 18944, 152064),
};

const MODEL_ALIASES: Readonly<Record<string, string>> = {
  'meta-llama/llama-2-7b-chat-hf': 'meta-llama/llama-2-7b-hf',
  'mistralai/mixtral-8x7b-instruct-v0.1': 'mistralai/mixtral-8x7b-v0.1',
  'codellama/codellama-34b-hf': 'codellama/codellama-34b-instruct-hf',
  'meta-llama/llama-3.1-8b': 'meta-llama/llama-3.1-8b-instruct',
  'meta-llama/meta-llama-3.1-8b-instruct': 'meta-llama/llama-3.1-8b-instruct',
  'meta-llama/llama-3.1-70b': 'meta-llama/llama-3.1-70b-instruct',
  'qwen/qwen2.5-7b': 'qwen/qwen2.5-7b-instruct',
};

export function lookupModel(name: string): ModelArch | undefined {
  const key = name.toLowerCase();
  return MODELS[key] ?? MODELS[MODEL_ALIASES[key] ?? ''];
}

export function lookupGpu(name: string): GpuSpec | undefined {
  const key = Object.keys(GPUS).find((k) => k.toLowerCase() === name.toLowerCase()) ?? GPU_ALIASES[name.toUpperCase()] ?? GPU_ALIASES[name];
  return key === undefined ? undefined : GPUS[key];
}

export const GPU_NAMES = Object.keys(GPUS);

/** A Hugging Face config.json as a ModelArch (Llama, Mistral, Mixtral, Qwen2 field names). */
export function archFromHfConfig(config: Record<string, unknown>): ModelArch {
  const n = (key: string, fallback?: number): number => {
    const v = config[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (fallback !== undefined) return fallback;
    throw new Error(`config.json has no numeric ${key}`);
  };
  const heads = n('num_attention_heads');
  const hidden = n('hidden_size');
  const dtype = typeof config['torch_dtype'] === 'string' ? config['torch_dtype'] : 'bfloat16';
  return {
    layers: n('num_hidden_layers'),
    hidden,
    heads,
    kv_heads: n('num_key_value_heads', heads),
    head_dim: n('head_dim', hidden / heads),
    intermediate: n('intermediate_size'),
    experts: n('num_local_experts', n('num_experts', 0)),
    experts_per_token: n('num_experts_per_tok', 0),
    vocab: n('vocab_size'),
    bytes_per_param: dtype === 'float32' ? 4 : dtype === 'float8_e4m3fn' ? 1 : 2,
    tie_embeddings: config['tie_word_embeddings'] === true,
  };
}

export function readHfConfig(path: string): ModelArch {
  return archFromHfConfig(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>);
}

export function headDim(a: ModelArch): number {
  return a.head_dim ?? a.hidden / a.heads;
}

/** Attention weights per layer: q, k, v and o projections. */
export function attentionParamsPerLayer(a: ModelArch): number {
  const d = headDim(a);
  return a.hidden * a.heads * d * 2 + a.hidden * a.kv_heads * d * 2;
}

/** One gated MLP (gate, up, down): one expert of an MoE layer. */
export function mlpParams(a: ModelArch): number {
  return 3 * a.hidden * a.intermediate;
}

/** All parameters (norms and biases left out: under 0.1 %). */
export function totalParams(a: ModelArch): number {
  const experts = Math.max(1, a.experts);
  const router = a.experts > 0 ? a.hidden * a.experts : 0;
  const embeddings = (a.tie_embeddings === true ? 1 : 2) * a.vocab * a.hidden;
  return a.layers * (attentionParamsPerLayer(a) + experts * mlpParams(a) + router) + embeddings;
}

/** KV-cache bytes of one token over the whole model (all GPUs): K and V, every layer. */
export function kvBytesPerToken(a: ModelArch): number {
  return 2 * a.layers * a.kv_heads * headDim(a) * a.bytes_per_param;
}

export interface BlockBudget {
  readonly gpu_memory_utilization: number;
  /** Bytes per GPU set aside for activations, CUDA graphs and the allocator (vLLM profiles it). */
  readonly activation_reserve: number;
  readonly block_size: number;
  readonly tensor_parallel_size: number;
}

/** Default activation reserve, bytes per GPU: fits the three measured H100 runs within 1 %. */
export const DEFAULT_ACTIVATION_RESERVE = 1.5 * GiB;

/**
 * num_gpu_blocks as vLLM sizes the pool (gpu_worker.determine_available_memory), including the null
 * block: per GPU, available = gpu_memory_utilization x memory - weights / TP - activation reserve;
 * blocks = floor(available / (block_size x KV bytes per token / TP)) + 1. KV heads split across TP
 * ranks (replicated when TP exceeds kv_heads, as vLLM does).
 */
export function deriveNumGpuBlocks(a: ModelArch, gpu: GpuSpec, b: BlockBudget): number {
  const tp = b.tensor_parallel_size;
  const weightsPerGpu = (totalParams(a) * a.bytes_per_param) / tp;
  const available = b.gpu_memory_utilization * gpu.memory - weightsPerGpu - b.activation_reserve;
  const kvHeadsPerGpu = Math.max(1, a.kv_heads / tp);
  const blockBytesPerGpu = b.block_size * 2 * a.layers * kvHeadsPerGpu * headDim(a) * a.bytes_per_param;
  return Math.max(0, Math.floor(available / blockBytesPerGpu)) + 1;
}
