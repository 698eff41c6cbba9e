// Request ids are drawn at arrival and spelled out only when read (src/server/request-ids.ts).
import { describe, expect, it } from 'vitest';
import { RequestIds } from '../../src/server/request-ids.js';

/** A stream that returns the given words in turn and counts the draws. */
function words(...values: number[]) {
  const stream = { draws: 0, next: () => 0, nextUint32: () => values[stream.draws++]! };
  return stream;
}

describe('RequestIds', () => {
  it('draws its words at once, in vLLM order, and spells them out when read', () => {
    const stream = words(0x01234567, 0x89abcdef, 0xdeadbeef, 0x00000001, 0xfeedf00d);
    const ids = new RequestIds(stream, undefined, false);
    expect(stream.draws).toBe(5); // whatever is read later, the next request's draws are the same
    expect(ids.engineRequestId).toBe('cmpl-0123456789abcdefdeadbeef00000001-0-feedf00d');
    expect(ids.apiRequestId).toBe('cmpl-0123456789abcdefdeadbeef00000001');
    expect(stream.draws).toBe(5);
  });

  it('draws only the engine suffix for a request the workload names, and has no prompt index for chat', () => {
    const stream = words(0x0000abcd);
    const ids = new RequestIds(stream, 'req-7', true);
    expect(stream.draws).toBe(1);
    expect(ids.apiRequestId).toBe('chatcmpl-req-7');
    expect(ids.engineRequestId).toBe('chatcmpl-req-7-0000abcd');
  });
});
