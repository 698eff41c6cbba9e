// A request's ids, vLLM-style: the API's `cmpl-<32 hex>` (chat: `chatcmpl-<32 hex>`) and the
// engine's, which appends the prompt index for completions and 8 random hex digits. The random
// words are drawn when the request arrives (so every later draw is the same whether or not an id
// is ever read), but the strings are built only when something reads them: a trace, a priority
// tie-break, an error message. An untraced run reads none; building them was about 20 string
// allocations per request, 8 % of the 50k anchor run's allocation (issue 9).
import type { RandomStream } from '../engine/random.js';
import { hex32 } from '../engine/hex.js';

export class RequestIds {
  // The words as signed 32-bit integers: small integers in the object's fields, where unsigned
  // ones above 2^31 would each be a boxed number.
  private readonly w0: number;
  private readonly w1: number;
  private readonly w2: number;
  private readonly w3: number;
  private readonly suffix: number;
  private api: string | undefined = undefined;
  private engine: string | undefined = undefined;

  /**
   * Draws the words from `stream`: four for the API id unless the workload names the request
   * (`givenId`), then one for the engine's suffix, in the order vLLM's ids read them.
   */
  constructor(
    stream: RandomStream,
    private readonly givenId: string | undefined,
    private readonly chat: boolean,
  ) {
    const drawn = givenId === undefined;
    this.w0 = drawn ? stream.nextUint32() | 0 : 0;
    this.w1 = drawn ? stream.nextUint32() | 0 : 0;
    this.w2 = drawn ? stream.nextUint32() | 0 : 0;
    this.w3 = drawn ? stream.nextUint32() | 0 : 0;
    this.suffix = stream.nextUint32() | 0;
  }

  get apiRequestId(): string {
    if (this.api === undefined) {
      const base = this.givenId ?? `${hex32(this.w0 >>> 0)}${hex32(this.w1 >>> 0)}${hex32(this.w2 >>> 0)}${hex32(this.w3 >>> 0)}`;
      this.api = `${this.chat ? 'chatcmpl' : 'cmpl'}-${base}`;
    }
    return this.api;
  }

  get engineRequestId(): string {
    // vLLM's engine id appends 8 random hex chars; completions first append the prompt index.
    this.engine ??= `${this.apiRequestId}${this.chat ? '' : '-0'}-${hex32(this.suffix >>> 0)}`;
    return this.engine;
  }
}
