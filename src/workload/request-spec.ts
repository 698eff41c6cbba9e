// One request as a workload source describes it, before the simulation assigns ids or state.
// Every source (explicit list, generator, trace reader) yields these in non-decreasing arrival order.
import type { ApiEndpoint } from '../trace/records.js';

export interface RequestSpec {
  /** User-given id; the API id becomes `chatcmpl-<id>` / `cmpl-<id>` (vLLM's X-Request-Id). */
  readonly id?: string;
  /** When the API server receives the request (virtual ns). */
  readonly arrivalNs: number;
  /** Prompt token ids. Equal prefixes give equal block hashes, so the prefix cache sees them. */
  readonly prompt: Int32Array;
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
  /** Seeds the synthetic output token ids of this request (distinct per request). */
  readonly contentKey: number;
}
