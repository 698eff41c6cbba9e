// Trace and span ids from a seeded stream, so the same scenario and seed give the same ids. The SDK
// calls the generator in span-creation order (span id first, then the trace id for a root span), and
// the simulation creates spans in virtual-time order, so the sequence of draws is reproducible.
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { hex32 } from '../engine/hex.js';
import { derivedStream, type RandomStream } from '../engine/random.js';

export class SeededIdGenerator implements IdGenerator {
  private readonly stream: RandomStream;

  constructor(seed: number) {
    this.stream = derivedStream(seed, 'trace-ids');
  }

  generateTraceId(): string {
    return this.draw(4);
  }

  generateSpanId(): string {
    return this.draw(2);
  }

  /** All-zero ids are invalid in W3C/OTLP; redraw (probability 2^-64 or less). */
  private draw(words: number): string {
    for (;;) {
      let id = '';
      let nonZero = false;
      for (let i = 0; i < words; i++) {
        const word = this.stream.nextUint32();
        nonZero ||= word !== 0;
        id += hex32(word);
      }
      if (nonZero) return id;
    }
  }
}
