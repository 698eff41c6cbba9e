// One request as a workload source describes it, before the simulation assigns ids or state.
// Every source (explicit list, generator, trace reader) yields these in non-decreasing arrival order.
import type { ApiEndpoint } from '../trace/records.js';
import type { TokenContent } from '../tokens/token-content.js';

export interface RequestSpec {
  /** User-given id; the API id becomes `chatcmpl-<id>` / `cmpl-<id>` (vLLM's X-Request-Id). */
  readonly id?: string;
  /** When the API server receives the request (virtual ns). */
  readonly arrivalNs: number;
  /** Prompt token ids. Equal prefixes give equal block hashes, so the prefix cache sees them. */
  readonly prompt: TokenContent;
  readonly maxTokens: number;
  /**
   * The request emits EOS as its `outputTokens`-th output token and finishes "stopped". Undefined,
   * or >= maxTokens: it finishes "length" at maxTokens (contract section 2).
   */
  readonly outputTokens?: number;
  /** Lower is more urgent, as in vLLM. */
  readonly priority: number;
  /** The client disconnects at this time (virtual ns). */
  readonly abortAtNs?: number;
  readonly endpoint: ApiEndpoint;
  readonly stream: boolean;
  /**
   * Seeds the synthetic output token ids of this request: distinct per request, except that the
   * turns of one multi-turn session share their session's key (each turn's outputs sit at positions
   * after its own prompt, so the next turn's prompt quotes them exactly).
   */
  readonly contentKey: number;
  /**
   * True when no other request of the run has tokens of content `contentKey` (the key is this
   * request's own: generated, explicit and replayed requests; not a session's turns, which share
   * theirs). The KV cache manager then registers the blocks only this request can look up lazily
   * (KvRequestView.firstPrivateBlock). Leaving it out is always correct, only slower.
   */
  readonly privateContent?: boolean;
  /**
   * Called once, when the request is done at the client: answered, abandoned (`abort_at`) or
   * rejected. It may return the same client's next request (a session's next turn, a closed-loop
   * user's next request), with `arrivalNs >= outcome.doneNs`; the server schedules that arrival.
   * This is how arrivals that depend on simulated completions enter the simulation: the pulled
   * workload stream stays in arrival order, and follow-ups join the event calendar directly.
   */
  readonly onDone?: (outcome: RequestOutcome) => RequestSpec | undefined;
}

/** How a request ended, as its client saw it (times in virtual ns). */
export interface RequestOutcome {
  readonly status: 'stopped' | 'length' | 'aborted' | 'rejected';
  readonly arrivalNs: number;
  /** When the first output (streaming) or the whole response reached the client; undefined if none did. */
  readonly firstOutputNs: number | undefined;
  readonly doneNs: number;
  /** Output tokens the client received. */
  readonly outputTokens: number;
}
