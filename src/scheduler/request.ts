// A request as the engine core sees it (vllm/v1/request.py). Derived counts (numTokens,
// numOutputTokens) are computed from the token storage, never cached: preemption keeps outputs.
import { hashBlock, NONE_HASH } from '../kv/block-hash.js';
import type { KvRequestView } from '../kv/kv-request.js';
import { newInt32Array } from '../engine/int32-slab.js';

export type RequestStatus =
  | 'WAITING'
  | 'RUNNING'
  | 'PREEMPTED'
  | 'FINISHED_STOPPED'
  | 'FINISHED_LENGTH_CAPPED'
  | 'FINISHED_ABORTED'
  | 'FINISHED_ERROR';

export function isFinished(status: RequestStatus): boolean {
  // Asked per running request per step: two identity compares of interned literals in the common
  // (RUNNING) case, instead of a startsWith call.
  return status !== 'RUNNING' && status !== 'WAITING' && status !== 'PREEMPTED';
}

export interface SimRequestInit {
  /** Dense index of the request in the run (the key of per-request tables). */
  readonly index: number;
  /** Engine request id (`<api id>-<8 hex>`); the priority policy's last tie-breaker. */
  readonly requestId: string;
  readonly prompt: Int32Array;
  readonly maxTokens: number;
  readonly arrivalTimeNs: number;
  readonly priority?: number;
  readonly minTokens?: number;
  readonly ignoreEos?: boolean;
  readonly stopTokenIds?: readonly number[];
  readonly eosTokenId: number;
  /** Whether this request's journey is traced (the API sampled it). */
  readonly traced?: boolean;
  /** vLLM's prompt_logprobs: such requests never read the prefix cache. */
  readonly skipReadingPrefixCache?: boolean;
}

export class SimRequest implements KvRequestView {
  readonly index: number;
  readonly requestId: string;
  readonly priority: number;
  readonly arrivalTimeNs: number;
  readonly numPromptTokens: number;
  readonly maxTokens: number;
  readonly minTokens: number;
  readonly ignoreEos: boolean;
  readonly stopTokenIds: readonly number[];
  readonly eosTokenId: number;
  readonly traced: boolean;
  readonly skipReadingPrefixCache: boolean;

  status: RequestStatus = 'WAITING';
  numComputedTokens = 0;
  /**
   * Async scheduling only (vLLM's num_output_placeholders): tokens a scheduled batch will sample
   * for this request that have not come back yet. numComputedTokens already counts their positions.
   * Always 0 in sync mode.
   */
  numOutputPlaceholders = 0;
  /** Cache-hit tokens of the first admission; -1 until then, then frozen. */
  numCachedTokens = -1;
  numPreemptions = 0;
  stopReason: number | undefined = undefined;
  /** Journey: the prefill high-water mark (spec C.4); survives preemption. */
  prefillHiwater = 0;
  /** Journey: FIRST_TOKEN emitted already (once per lifetime). */
  firstTokenSeen = false;
  /**
   * Steady decodes (steady-decodes.ts): the first step not yet applied to this request's fields
   * while it is steady, or -1 when its fields are up to date.
   */
  steadyFrom = -1;

  /** Hashes of the full blocks of prompt + outputs, chained (spec B.2). Empty without caching. */
  readonly blockHashes: number[] = [];
  /** The prompt is shared with the workload's RequestSpec, never copied. */
  private readonly prompt: Int32Array;
  private outputs: Int32Array;
  private numOutputs = 0;
  private readonly blockSize: number;

  constructor(init: SimRequestInit, blockSize: number, hashBlocks: boolean) {
    this.index = init.index;
    this.requestId = init.requestId;
    this.priority = init.priority ?? 0;
    this.arrivalTimeNs = init.arrivalTimeNs;
    this.numPromptTokens = init.prompt.length;
    this.maxTokens = init.maxTokens;
    this.minTokens = init.minTokens ?? 0;
    this.ignoreEos = init.ignoreEos ?? false;
    this.stopTokenIds = init.stopTokenIds ?? [];
    this.eosTokenId = init.eosTokenId;
    this.traced = init.traced ?? false;
    this.skipReadingPrefixCache = init.skipReadingPrefixCache ?? false;
    this.blockSize = hashBlocks ? blockSize : 0;
    this.prompt = init.prompt;
    this.outputs = newInt32Array(Math.min(Math.max(init.maxTokens, 1), 4096));
    this.extendBlockHashes();
  }

  get numTokens(): number {
    return this.numPromptTokens + this.numOutputs;
  }

  get numOutputTokens(): number {
    return this.numOutputs;
  }

  get lastToken(): number {
    return this.numOutputs > 0 ? this.outputs[this.numOutputs - 1]! : this.prompt[this.numPromptTokens - 1]!;
  }

  outputTokenIds(): Int32Array {
    return this.outputs.slice(0, this.numOutputs);
  }

  allTokenIds(): Int32Array {
    const all = new Int32Array(this.numTokens);
    all.set(this.prompt);
    all.set(this.outputs.subarray(0, this.numOutputs), this.numPromptTokens);
    return all;
  }

  appendOutputToken(token: number): void {
    if (this.numOutputs === this.outputs.length) {
      const grown = newInt32Array(this.outputs.length * 2);
      grown.set(this.outputs);
      this.outputs = grown;
    }
    this.outputs[this.numOutputs++] = token;
    this.extendBlockHashes();
  }

  /** Hashes every newly completed full block (vLLM's request block hasher). */
  private extendBlockHashes(): void {
    const size = this.blockSize;
    if (size === 0) return;
    const hashes = this.blockHashes;
    const promptLength = this.numPromptTokens;
    while ((hashes.length + 1) * size <= this.numTokens) {
      const start = hashes.length * size;
      const end = start + size;
      const parent = hashes.length === 0 ? NONE_HASH : hashes[hashes.length - 1]!;
      let hash: number;
      if (end <= promptLength) hash = hashBlock(parent, this.prompt, start, end);
      else if (start >= promptLength) hash = hashBlock(parent, this.outputs, start - promptLength, end - promptLength);
      else hash = hashBlock(parent, this.straddlingBlock(start, end), 0, size);
      hashes.push(hash);
    }
  }

  /** The one block that holds both prompt and output tokens, assembled for hashing. */
  private straddlingBlock(start: number, end: number): Int32Array {
    const block = new Int32Array(end - start);
    const fromPrompt = this.numPromptTokens - start;
    block.set(this.prompt.subarray(start), 0);
    block.set(this.outputs.subarray(0, end - start - fromPrompt), fromPrompt);
    return block;
  }
}
