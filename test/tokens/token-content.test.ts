// TokenContent (src/tokens/token-content.ts): runs of synthetic tokens and explicit tokens, and
// where its runs are, whatever way the content was put together.
import { describe, expect, it } from 'vitest';
import { syntheticToken } from '../../src/tokens/synthetic.js';
import { TokenContent } from '../../src/tokens/token-content.js';

const run = (key: number, start: number, length: number): number[] =>
  Array.from({ length }, (_, i) => syntheticToken(key, start + i));

describe('TokenContent', () => {
  it('spells runs as synthetic tokens of their key positions, and explicit tokens as given', () => {
    const content = TokenContent.concat([TokenContent.run(7, 100, 5), TokenContent.tokens([1, 2, 3]), TokenContent.run(9, 0, 4)]);
    expect(content.length).toBe(12);
    expect(Array.from(content.toArray())).toEqual([...run(7, 100, 5), 1, 2, 3, ...run(9, 0, 4)]);
    for (let p = 0; p < 12; p++) expect(content.tokenAt(p)).toBe(content.toArray()[p]);
    expect(() => content.tokenAt(12)).toThrow(/outside content of 12 tokens/);
    expect(() => content.tokenAt(-1)).toThrow(/outside/);
  });

  it('finds the run holding a range, with its key and the key position of any of its positions', () => {
    const content = TokenContent.concat([TokenContent.run(7, 100, 5), TokenContent.tokens([1, 2, 3]), TokenContent.run(9, 0, 4)]);
    const first = content.runHolding(1, 5);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(content.runKey(first)).toBe(7);
    expect(content.runKeyPosition(first, 1)).toBe(101);
    const last = content.runHolding(8, 12);
    expect(content.runKey(last)).toBe(9);
    expect(content.runKeyPosition(last, 10)).toBe(2);
    expect(content.runHolding(4, 6)).toBe(-1); // crosses into the explicit tokens
    expect(content.runHolding(5, 6)).toBe(-1); // explicit tokens are no run
    expect(content.runHolding(7, 9)).toBe(-1);
    expect(content.runHolding(0, 13)).toBe(-1); // past the end
  });

  it('joins a run with the piece that continues it, so the runs do not depend on how it was cut', () => {
    const whole = TokenContent.run(3, 10, 40);
    const cut = TokenContent.concat([TokenContent.run(3, 10, 16), TokenContent.concat([TokenContent.run(3, 26, 4), TokenContent.run(3, 30, 20)])]);
    expect(Array.from(cut.toArray())).toEqual(Array.from(whole.toArray()));
    const held = cut.runHolding(0, 40);
    expect(held).toBeGreaterThanOrEqual(0);
    expect(cut.runKeyPosition(held, 39)).toBe(49);
    // Not a continuation: another key, or a gap in the key positions.
    expect(TokenContent.concat([TokenContent.run(3, 10, 16), TokenContent.run(4, 26, 4)]).runHolding(14, 18)).toBe(-1);
    expect(TokenContent.concat([TokenContent.run(3, 10, 16), TokenContent.run(3, 27, 4)]).runHolding(14, 18)).toBe(-1);
  });

  it('keeps unsigned 32-bit keys, and drops empty pieces', () => {
    const content = TokenContent.concat([TokenContent.run(0xf0000001, 0, 3), TokenContent.EMPTY, TokenContent.run(0xf0000001, 3, 0), TokenContent.tokens([])]);
    expect(content.length).toBe(3);
    expect(content.runKey(content.runHolding(0, 3))).toBe(0xf0000001);
    expect(content.tokenAt(2)).toBe(syntheticToken(0xf0000001, 2));
    expect(() => TokenContent.run(1, -1, 3)).toThrow(/key position/);
    expect(() => TokenContent.run(1, 0, 1.5)).toThrow(/run length/);
  });
});
