// A request's block hashes (src/scheduler/request.ts, SimRequest): blocks inside one run of
// synthetic tokens are hashed from the run, others from their tokens. The prefix cache needs equal
// contents to give equal hashes however the content reached the request: as one prompt run, as
// pieces of it, as outputs appended one by one or as a run, or quoted by a later prompt (a
// session's next turn), EOS included.
import { describe, expect, it } from 'vitest';
import { hashBlock, NONE_HASH } from '../../src/kv/block-hash.js';
import { SimRequest } from '../../src/scheduler/request.js';
import { syntheticToken } from '../../src/tokens/synthetic.js';
import { TokenContent } from '../../src/tokens/token-content.js';

const EOS = 2;
const KEY = 11;

/** A request of `prompt` whose outputs continue content `outputKey` (null: no output key). */
function request(prompt: TokenContent, blockSize: number, outputKey: number | null = KEY): SimRequest {
  return new SimRequest(
    { index: 0, requestId: 'r', prompt, ...(outputKey === null ? {} : { outputKey }), maxTokens: 1000, arrivalTimeNs: 0, eosTokenId: EOS },
    blockSize,
    true,
  );
}

/** The chained token hashes of `tokens`' full blocks: what every block would get without runs. */
function tokenHashes(tokens: ArrayLike<number>, blockSize: number): number[] {
  const out: number[] = [];
  let parent = NONE_HASH;
  for (let end = blockSize; end <= tokens.length; end += blockSize) out.push((parent = hashBlock(parent, tokens, end - blockSize, end)));
  return out;
}

describe('request block hashes', () => {
  for (const blockSize of [7, 16]) {
    it(`are the same for one content however it arrives (block size ${blockSize})`, () => {
      // 40 prompt tokens of KEY, then 30 outputs that continue it.
      const appended = request(TokenContent.run(KEY, 0, 40), blockSize);
      for (let j = 0; j < 30; j++) appended.appendOutputToken(syntheticToken(KEY, 40 + j));
      const inBulk = request(TokenContent.run(KEY, 0, 40), blockSize);
      inBulk.appendOutputRun(12);
      inBulk.appendOutputRun(18);
      const quoted = request(TokenContent.run(KEY, 0, 70), blockSize);
      const pieces = request(TokenContent.concat([TokenContent.run(KEY, 0, 9), TokenContent.run(KEY, 9, 50), TokenContent.run(KEY, 59, 11)]), blockSize);
      const expected = appended.blockHashes;
      expect(expected).toHaveLength(Math.floor(70 / blockSize));
      for (const other of [inBulk, quoted, pieces]) expect(other.blockHashes).toEqual(expected);
      expect(Array.from(inBulk.allTokenIds())).toEqual(Array.from(quoted.allTokenIds()));
      expect(inBulk.lastToken).toBe(syntheticToken(KEY, 69));
      expect(appended.lastToken).toBe(syntheticToken(KEY, 69));
      // Another content shares no block: another key, or the same key from another position.
      for (const content of [TokenContent.run(KEY + 1, 0, 70), TokenContent.run(KEY, blockSize, 70)]) {
        for (const hash of request(content, blockSize).blockHashes) expect(expected).not.toContain(hash);
      }
    });

    it(`match a later prompt that quotes the outputs, EOS included (block size ${blockSize})`, () => {
      // Turn 1: 20 prompt tokens, 13 outputs with EOS last. Turn 2 quotes them and adds 10 more.
      const turn1 = request(TokenContent.run(KEY, 0, 20), blockSize);
      for (let j = 0; j < 12; j++) turn1.appendOutputToken(syntheticToken(KEY, 20 + j));
      turn1.appendOutputToken(EOS);
      expect(turn1.outputsAreRun).toBe(false);
      expect(turn1.lastToken).toBe(EOS);
      const turn2 = request(
        TokenContent.concat([TokenContent.run(KEY, 0, 20), TokenContent.run(KEY, 20, 12), TokenContent.tokens([EOS]), TokenContent.run(KEY, 33, 10)]),
        blockSize,
      );
      expect(turn2.blockHashes.slice(0, turn1.blockHashes.length)).toEqual(turn1.blockHashes);
      expect(Array.from(turn2.allTokenIds().subarray(0, 33))).toEqual(Array.from(turn1.allTokenIds()));
    });
  }

  it('hash a block that is not one run from its tokens, and one inside a run from the run', () => {
    // 10 explicit tokens, then a run: block 0 (0..15) mixes them, block 1 (16..31) is inside the run.
    const prompt = TokenContent.concat([TokenContent.tokens([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), TokenContent.run(KEY, 10, 22)]);
    const hashes = request(prompt, 16).blockHashes;
    const byTokens = tokenHashes(prompt.toArray(), 16);
    expect(hashes[0]).toBe(byTokens[0]);
    expect(hashes[1]).not.toBe(byTokens[1]);
    // Explicit prompts and outputs without an output key are all tokens.
    const explicit = request(TokenContent.tokens(prompt.toArray()), 16, null);
    expect(explicit.blockHashes).toEqual(byTokens);
    explicit.appendOutputToken(syntheticToken(KEY, 32));
    expect(explicit.outputsAreRun).toBe(false);
    expect(() => explicit.appendOutputRun(1)).toThrow(/not its output run/);
  });

  it('hash a block across the prompt end from its tokens unless the outputs continue the prompt run', () => {
    // The outputs are KEY's tokens at their own positions (20, 21, ...). A prompt run of KEY at
    // other key positions, or of another key, is not continued by them: block 1 (16..31) mixes.
    for (const prompt of [TokenContent.run(KEY, 100, 20), TokenContent.run(KEY + 1, 0, 20)]) {
      const r = request(prompt, 16);
      r.appendOutputRun(12);
      expect(r.blockHashes).toHaveLength(2);
      expect(r.blockHashes[1]).toBe(hashBlock(r.blockHashes[0]!, r.allTokenIds(), 16, 32));
    }
  });

  it('keeps outputs that leave the run, in order, after the run part', () => {
    const r = request(TokenContent.run(KEY, 0, 4), 16);
    r.appendOutputToken(syntheticToken(KEY, 4));
    r.appendOutputToken(99);
    r.appendOutputToken(syntheticToken(KEY, 6)); // stored too: the outputs already left the run
    expect(Array.from(r.outputTokenIds())).toEqual([syntheticToken(KEY, 4), 99, syntheticToken(KEY, 6)]);
    expect(r.numTokens).toBe(7);
    expect(r.lastToken).toBe(syntheticToken(KEY, 6));
  });
});

describe('request private blocks', () => {
  const make = (prompt: TokenContent, outputKeyIsPrivate = false) =>
    new SimRequest(
      { index: 0, requestId: 'p', prompt, outputKey: KEY, outputKeyIsPrivate, maxTokens: 10, arrivalTimeNs: 0, eosTokenId: EOS },
      16,
      true,
    );

  it('start at the block holding the first token of the private content', () => {
    // A shared prefix of 20 tokens, then the request's own content: block 1 (16..31) holds its first token.
    expect(make(TokenContent.concat([TokenContent.run(KEY + 1, 0, 20), TokenContent.run(KEY, 20, 30)]), true).firstPrivateBlock).toBe(1);
    expect(make(TokenContent.run(KEY, 0, 30), true).firstPrivateBlock).toBe(0);
    // Explicit tokens: the outputs are the first private tokens (position 40, block 2).
    expect(make(TokenContent.tokens(Array.from({ length: 40 }, (_, i) => 1000 + i)), true).firstPrivateBlock).toBe(2);
  });

  it('do not exist without a private key', () => {
    expect(make(TokenContent.run(KEY, 0, 30)).firstPrivateBlock).toBe(Infinity);
  });
});

describe('request private block hashes', () => {
  it('are computed only once the request is preempted, and then equal the eager ones', () => {
    const prompt = TokenContent.concat([TokenContent.run(KEY + 1, 0, 20), TokenContent.run(KEY, 20, 30)]);
    const init = { index: 0, requestId: 'h', prompt, outputKey: KEY, maxTokens: 40, arrivalTimeNs: 0, eosTokenId: EOS };
    const lazy = new SimRequest({ ...init, outputKeyIsPrivate: true }, 16, true);
    const eager = new SimRequest(init, 16, true);
    lazy.appendOutputRun(20);
    eager.appendOutputRun(20);
    expect(lazy.firstPrivateBlock).toBe(1);
    expect(lazy.blockHashes).toEqual(eager.blockHashes.slice(0, 1)); // the shared block only
    lazy.hashPrivateBlocks();
    expect(lazy.blockHashes).toEqual(eager.blockHashes);
    expect(eager.blockHashes).toHaveLength(4); // 70 tokens
    lazy.appendOutputRun(10);
    eager.appendOutputRun(10);
    expect(lazy.blockHashes).toEqual(eager.blockHashes); // and as blocks fill from then on
  });
});
