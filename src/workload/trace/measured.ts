// Measured vLLM runs (../shared/data/measured, from inference-sim/training): one folder per run.
//
//   workload.json    {"config": {max_num_seqs, max_num_batched_tokens, kv_blocks_total_gpu, block_size, ...},
//                     "model_config": {...}, "requests": [{index, arrival_time_us, input_tokens, output_tokens,
//                     prefix_group, has_error}, ...]}       (streamed: the requests array is never held whole)
//   exp-config.yaml  vLLM launch arguments: model, max_model_len, max_num_batched_tokens, max_num_seqs
//   profile.yaml     the inference-perf profile (JSON): api type and streaming, ignore_eos, shared-prefix data
//
// Two pitfalls of these files (their README) decide how requests are rebuilt:
// - With `ignore_eos`, every request generated exactly its max_tokens, the profile's `output_len`;
//   workload.json's `output_tokens` are client-side recounts of the text (0 for 108 Llama-2 requests).
//   So under ignore_eos each request replays with max_tokens = output_len and no EOS.
// - Requests shared system prompts (`num_unique_system_prompts` of `system_prompt_len` tokens), but
//   which request had which was not recorded: the replay assigns groups at random (trace `prefix`).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../scenario/problems.js';
import { readTextChunks } from './file-chunks.js';
import { jsonItems } from './json-elements.js';
import { definedOnly, intField, parseJsonObject, type TraceDefaults, type TraceHints, type TraceReader, type TraceRow } from './trace-row.js';

/** The folder of a measured run, given the folder or its workload.json. */
export function measuredFolder(path: string): string {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true ? path : dirname(path);
}

function readOptionalYaml(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError([{ file, path: '', message: `expected YAML (or JSON), found invalid text: ${(error as Error).message.split('\n')[0]}` }]);
  }
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const obj = (value: unknown): Record<string, unknown> => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/** workload.json's members before `requests` (config, model ids), without reading the requests. */
function readHeaderMembers(file: string): Map<string, unknown> {
  const members = new Map<string, unknown>();
  for (const item of jsonItems(readTextChunks(file), file)) {
    if (item.index >= 0) break;
    if (item.key !== undefined) members.set(item.key, JSON.parse(item.text));
  }
  return members;
}

interface MeasuredPlan {
  readonly hints: TraceHints;
  readonly defaults: TraceDefaults;
  /** max_tokens of every request when the run ignored EOS; otherwise the recorded counts are used. */
  readonly fixedOutput: number | undefined;
}

function plan(folder: string, workloadFile: string): MeasuredPlan {
  const header = readHeaderMembers(workloadFile);
  const config = obj(header.get('config'));
  const exp = readOptionalYaml(join(folder, 'exp-config.yaml'));
  const profile = readOptionalYaml(join(folder, 'profile.yaml'));
  const api = obj(profile['api']);
  const shared = obj(obj(profile['data'])['shared_prefix']);
  const ignoreEos = obj(profile['server'])['ignore_eos'] === true;
  const outputLen = num(shared['output_len']);
  const fixedOutput = ignoreEos && outputLen !== undefined && outputLen >= 1 ? outputLen : undefined;
  const totalBlocks = num(config['kv_blocks_total_gpu']);
  const groups = num(shared['num_unique_system_prompts']);
  const prefixTokens = num(shared['system_prompt_len']);
  const notes: string[] = [];
  if (fixedOutput !== undefined) {
    notes.push(`every request generates max_tokens = ${fixedOutput} tokens (profile.yaml: ignore_eos, output_len ${fixedOutput}); workload.json's output_tokens are retokenized counts`);
  }
  if (groups !== undefined && prefixTokens !== undefined) {
    notes.push(`each prompt starts with one of ${groups} shared system prompts of ${prefixTokens} tokens, drawn at random (the run did not record which)`);
  }
  const modelName = typeof exp['model'] === 'string' ? exp['model'] : header.get('model_id');
  return {
    fixedOutput,
    hints: {
      ...definedOnly({
        modelName: typeof modelName === 'string' ? modelName : undefined,
        tensorParallelSize: num(exp['tensor_parallelism'] ?? config['tensor_parallelism']),
      }),
      engine: definedOnly({
        block_size: num(config['block_size']),
        // Step tracing's kv.blocks_total_gpu is num_gpu_blocks - 1 (the null block is not counted).
        num_gpu_blocks: totalBlocks === undefined ? undefined : totalBlocks + 1,
        max_num_seqs: num(config['max_num_seqs'] ?? exp['max_num_seqs']),
        max_num_batched_tokens: num(config['max_num_batched_tokens'] ?? exp['max_num_batched_tokens']),
        max_model_len: num(exp['max_model_len']),
      }),
      notes,
    },
    defaults: {
      api: { endpoint: api['type'] === 'chat' ? 'chat' : 'completions', stream: api['streaming'] !== false },
      ...(groups !== undefined && prefixTokens !== undefined && groups >= 1 && prefixTokens >= 1 ? { prefix: { groups, tokens: prefixTokens } } : {}),
    },
  };
}

function* measuredRows(file: string, fixedOutput: number | undefined): Generator<TraceRow, void, undefined> {
  for (const item of jsonItems(readTextChunks(file), file)) {
    if (item.key !== 'requests' || item.index < 0) continue;
    const at = { file, line: item.line };
    const path = (field: string) => `requests.${item.index}.${field}`;
    const r = parseJsonObject(at, item.text, 'a measured request');
    const index = intField(at, path('index'), r['index']);
    const recorded = intField(at, path('output_tokens'), r['output_tokens']);
    yield {
      line: item.line,
      id: String(index),
      timeNs: intField(at, path('arrival_time_us'), r['arrival_time_us']) * 1000,
      promptTokens: intField(at, path('input_tokens'), r['input_tokens'], 1),
      outputTokens: fixedOutput ?? recorded,
      ...(fixedOutput !== undefined ? { maxTokens: fixedOutput } : {}),
    };
  }
}

/** A measured run, given its folder or its workload.json. */
export function measuredReader(path: string): TraceReader {
  const folder = measuredFolder(path);
  const file = basename(path) === 'workload.json' ? path : join(folder, 'workload.json');
  if (!existsSync(file)) throw new InputError([{ file: path, path: '', message: 'expected a measured-run folder holding workload.json, found none' }]);
  const { hints, defaults, fixedOutput } = plan(folder, file);
  return { rows: () => measuredRows(file, fixedOutput), timed: true, hints, defaults };
}
