// A request as the engine core sees it (vllm/v1/request.py). Derived counts (numTokens,
// numOutputTokens) are computed from the token storage, never cached: preemption keeps outputs.
import { hashBlock, hashRunBlock, NONE_HASH } from '../kv/block-hash.js';
import type { KvRequestView } from '../kv/kv-request.js';
import { syntheticToken } from '../tokens/synthetic.js';
import type { TokenContent } from '../tokens/token-content.js';

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
  /**
   * Engine request id (`<api id>-<8 hex>`); the priority policy's last tie-breaker. Or what to
   * read it from when it is first needed: a simulation run's requests build theirs lazily
   * (server/request-ids.ts).
   */
  readonly requestId: string | { readonly engineRequestId: string };
  readonly prompt: TokenContent;
  /**
   * The content key that the outputs continue, when they are synthetic: output j is expected to be
   * syntheticToken(outputKey, prompt length + j), as the simulated model samples it. Such outputs
   * are counted, not stored, and hashed as a run (see SimRequest.appendOutputToken). Without it,
   * or from the first output that differs, outputs are stored as given.
   */
  readonly outputKey?: number;
  /**
   * The output key's tokens appear in no other request (RequestSpec.privateContent). Every block
   * from the first one holding a token of that content hashes to a value no other request can
   * produce (the block's own tokens, or a parent's, are this request's alone), so only this request
   * can ever look it up (KvRequestView.firstPrivateBlock).
   */
  readonly outputKeyIsPrivate?: boolean;
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
  private readonly id: string | { readonly engineRequestId: string };
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
  /**
   * Never steady again (Scheduler.barSteady): its client went away, so its outputs must be listed
   * one by one for the frontend to leave them out.
   */
  steadyBarred = false;
  /** The last step built that samples a token for it (steady decodes: SteadyDecodes.join). */
  lastSampledStep = -1;

  /** Hashes of the full blocks of prompt + outputs, chained (spec B.2). Empty without caching. */
  readonly blockHashes: number[] = [];
  readonly firstPrivateBlock: number;
  /** Whether the private blocks are hashed too (hashPrivateBlocks). */
  private hashesPrivate = false;
  /** The prompt is shared with the workload's RequestSpec, never copied. */
  private readonly prompt: TokenContent;
  /**
   * Outputs are `numRunOutputs` synthetic tokens of `outputKey` at the positions after the prompt
   * (counted, not stored), then `numStoredOutputs` stored ones. -1: no output key.
   */
  private readonly outputKey: number;
  private numRunOutputs = 0;
  private storedOutputs: Int32Array | null = null;
  private numStoredOutputs = 0;
  private numOutputs = 0;
  /** The last output's token id (check_stop reads it after every append). */
  private lastOutputToken = 0;
  private readonly blockSize: number;

  constructor(init: SimRequestInit, blockSize: number, hashBlocks: boolean) {
    this.index = init.index;
    this.id = init.requestId;
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
    this.outputKey = init.outputKey === undefined ? -1 : init.outputKey >>> 0;
    this.firstPrivateBlock = this.blockSize === 0 ? Infinity : Math.floor(this.firstPrivateToken(init.outputKeyIsPrivate === true) / this.blockSize);
    this.extendBlockHashes();
  }

  /** Engine request id (`<api id>-<8 hex>`). */
  get requestId(): string {
    const id = this.id;
    return typeof id === 'string' ? id : id.engineRequestId;
  }

  get numTokens(): number {
    return this.numPromptTokens + this.numOutputs;
  }

  get numOutputTokens(): number {
    return this.numOutputs;
  }

  get lastToken(): number {
    return this.numOutputs > 0 ? this.lastOutputToken : this.prompt.tokenAt(this.numPromptTokens - 1);
  }

  /** Whether the outputs so far are all the run of the output key (SimRequestInit.outputKey). */
  get outputsAreRun(): boolean {
    return this.outputKey >= 0 && this.numStoredOutputs === 0;
  }

  outputTokenIds(): Int32Array {
    const out = new Int32Array(this.numOutputs);
    for (let j = 0; j < this.numOutputs; j++) out[j] = this.tokenAt(this.numPromptTokens + j);
    return out;
  }

  allTokenIds(): Int32Array {
    const all = new Int32Array(this.numTokens);
    for (let p = 0; p < all.length; p++) all[p] = this.tokenAt(p);
    return all;
  }

  /**
   * Append one sampled token. While the outputs are the run of `outputKey` (the simulated model's
   * tokens before any EOS), a token that continues it is only counted.
   */
  appendOutputToken(token: number): void {
    if (this.numStoredOutputs === 0 && this.outputKey >= 0 && token === syntheticToken(this.outputKey, this.numTokens)) {
      this.numRunOutputs++;
    } else {
      this.storeOutput(token);
    }
    this.numOutputs++;
    this.lastOutputToken = token;
    this.extendBlockHashes();
  }

  /**
   * Append the next `count` tokens of the output run at once: what `count` appendOutputToken calls
   * with those tokens do, for a request whose outputs are all the run (outputsAreRun). Steady
   * decodes catch up a request's skipped steps with it (steady-decodes.ts).
   */
  appendOutputRun(count: number): void {
    if (!this.outputsAreRun) throw new Error(`internal: ${this.requestId} has outputs that are not its output run`);
    if (count <= 0) return;
    this.numRunOutputs += count;
    this.numOutputs += count;
    this.lastOutputToken = syntheticToken(this.outputKey, this.numTokens - 1);
    this.extendBlockHashes();
  }

  /**
   * The position of the first token of the output key's content when it is private: in a prompt
   * run, else the first output; Infinity when the content is not private.
   */
  private firstPrivateToken(outputKeyIsPrivate: boolean): number {
    if (!outputKeyIsPrivate || this.outputKey < 0) return Infinity;
    const inPrompt = this.prompt.firstPositionOfKey(this.outputKey);
    return inPrompt >= 0 ? inPrompt : this.numPromptTokens;
  }

  /** The token at `position` of prompt + outputs. */
  private tokenAt(position: number): number {
    const j = position - this.numPromptTokens;
    if (j < 0) return this.prompt.tokenAt(position);
    if (j < this.numRunOutputs) return syntheticToken(this.outputKey, position);
    return this.storedOutputs![j - this.numRunOutputs]!;
  }

  private storeOutput(token: number): void {
    let stored = this.storedOutputs;
    if (stored === null || this.numStoredOutputs === stored.length) {
      const grown = new Int32Array(stored === null ? 16 : stored.length * 2);
      if (stored !== null) grown.set(stored);
      this.storedOutputs = stored = grown;
    }
    stored[this.numStoredOutputs++] = token;
  }

  /**
   * From now on hash the private blocks too (KvRequestView.blockHashes): the request is being
   * preempted, and its blocks go into the prefix cache for it to find when it is resumed.
   */
  hashPrivateBlocks(): void {
    this.hashesPrivate = true;
    this.extendBlockHashes();
  }

  /** Hashes every newly completed full block (vLLM's request block hasher), up to the private ones. */
  private extendBlockHashes(): void {
    const size = this.blockSize;
    if (size === 0) return;
    const hashes = this.blockHashes;
    const limit = this.hashesPrivate ? Infinity : this.firstPrivateBlock;
    while (hashes.length < limit && (hashes.length + 1) * size <= this.numTokens) {
      const start = hashes.length * size;
      const parent = hashes.length === 0 ? NONE_HASH : hashes[hashes.length - 1]!;
      hashes.push(this.hashOfBlock(parent, start, start + size));
    }
  }

  /**
   * The hash of the block [start, end): from its run when it lies inside one (hashRunBlock: the
   * prompt's own runs, the output run, or a prompt run that the outputs continue), else from its
   * tokens.
   */
  private hashOfBlock(parent: number, start: number, end: number): number {
    const promptLength = this.numPromptTokens;
    const prompt = this.prompt;
    if (end <= promptLength) {
      const run = prompt.runHolding(start, end);
      if (run >= 0) return hashRunBlock(parent, prompt.runKey(run), prompt.runKeyPosition(run, start), end - start);
    } else if (end <= promptLength + this.numRunOutputs) {
      // The output run's key positions are the tokens' own positions (SimRequestInit.outputKey).
      if (start >= promptLength) return hashRunBlock(parent, this.outputKey, start, end - start);
      const run = prompt.runHolding(start, promptLength);
      if (run >= 0 && prompt.runKey(run) === this.outputKey && prompt.runKeyPosition(run, start) === start) {
        return hashRunBlock(parent, this.outputKey, start, end - start);
      }
    }
    const tokens = blockScratch(end - start);
    for (let p = start; p < end; p++) tokens[p - start] = this.tokenAt(p);
    return hashBlock(parent, tokens, 0, end - start);
  }
}

/** A reused buffer for the tokens of a block that is not one run (hashing is synchronous). */
let scratch = new Int32Array(16);

function blockScratch(length: number): Int32Array {
  if (scratch.length < length) scratch = new Int32Array(length);
  return scratch;
}
