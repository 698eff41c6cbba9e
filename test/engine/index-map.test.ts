// IndexMap (src/engine/index-map.ts): the same answers as a Map for integer keys, whatever the
// order of sets and deletes, with keys sharing home slots, wrap-around probe runs and growth; and
// short probe runs for a window of consecutive keys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IndexMap } from '../../src/engine/index-map.js';

type Op = { readonly kind: 'set' | 'delete'; readonly key: number };

/** Runs `ops` on an IndexMap and a Map side by side, comparing every answer and, after each op, every key. */
function agreeWithMap(ops: readonly Op[], keys: readonly number[], initialCapacity?: number): void {
  const table = new IndexMap<{ key: number; version: number }>(initialCapacity);
  const reference = new Map<number, { key: number; version: number }>();
  ops.forEach((op, version) => {
    if (op.kind === 'set') {
      const value = { key: op.key, version };
      table.set(op.key, value);
      reference.set(op.key, value);
    } else {
      expect(table.delete(op.key)).toBe(reference.delete(op.key));
    }
    expect(table.size).toBe(reference.size);
    for (const key of keys) {
      expect(table.get(key)).toBe(reference.get(key));
      expect(table.has(key)).toBe(reference.has(key));
    }
  });
  expect(new Set(table.values())).toEqual(new Set(reference.values()));
}

/** The table's home slot for `key` at `capacity` slots (its Fibonacci hash, as index-map.ts computes it). */
const homeOf = (key: number, capacity: number): number => Math.imul(key, 0x9e3779b1) >>> (32 - Math.log2(capacity));

/** The first `n` keys from `from` on whose home slot at `capacity` slots is `slot`. */
function keysAtHome(slot: number, capacity: number, n: number, from = 0): number[] {
  const keys: number[] = [];
  for (let key = from; keys.length < n; key++) if (homeOf(key, capacity) === slot) keys.push(key);
  return keys;
}

type Slots = { slotKeys: Int32Array };

describe('IndexMap', () => {
  it('agrees with a Map on random sets and deletes of keys that share home slots, or are dense', () => {
    // Keys of an 8-slot table's last and first home slots: long probe runs that wrap around the
    // end, where backward-shift deletion has work to do; and dense keys beside them.
    const last = keysAtHome(7, 8, 12);
    const first = keysAtHome(0, 8, 12);
    const keyArb = fc.oneof(fc.constantFrom(...last), fc.constantFrom(...first), fc.integer({ min: 0, max: 40 }));
    const opArb = fc.record({ kind: fc.constantFrom<'set' | 'delete'>('set', 'set', 'delete'), key: keyArb });
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), fc.constantFrom(1, 8, 64), (ops, capacity) => {
        const keys = [...new Set(ops.map((op) => op.key)), 1000];
        agreeWithMap(ops, keys, capacity);
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });

  it('finds a key whose probe run wraps past the last slot after the key before it is deleted', () => {
    // Three keys at home in the last of 8 slots (the second and third wrap to slots 0 and 1), and
    // one at home in slot 1, pushed on to slot 2.
    const [a, b, c] = keysAtHome(7, 8, 3);
    const [d] = keysAtHome(1, 8, 1);
    const table = new IndexMap<string>(8);
    table.set(a!, 'a');
    table.set(b!, 'b');
    table.set(c!, 'c');
    table.set(d!, 'd');
    expect((table as unknown as Slots).slotKeys.length).toBe(8);
    expect(Array.from((table as unknown as Slots).slotKeys)).toEqual([b, c, d, -1, -1, -1, -1, a]);
    expect(table.delete(a!)).toBe(true);
    expect([table.get(b!), table.get(c!), table.get(d!), table.get(a!)]).toEqual(['b', 'c', 'd', undefined]);
    expect(table.delete(b!)).toBe(true);
    expect([table.get(c!), table.get(d!)]).toEqual(['c', 'd']);
    expect(table.size).toBe(2);
  });

  it('keeps a run of a million requests in a table sized by those live at once', () => {
    // Requests arrive in index order and finish a few hundred later, as in a long run: the table
    // never grows past what is live (it does not keep finished ones).
    const table = new IndexMap<number>();
    const live = 300;
    let missed = 0;
    for (let index = 0; index < 1_000_000; index++) {
      table.set(index, index);
      if (index >= live && !table.delete(index - live)) missed++;
    }
    expect(missed).toBe(0);
    expect(table.size).toBe(live);
    expect(table.get(999_999)).toBe(999_999);
    expect(table.get(1_000_000 - live - 1)).toBeUndefined();
    expect([...table.values()].length).toBe(live);
    // 300 live entries fit in 1024 slots at most half full: the capacity is not tied to the count of requests.
    expect((table as unknown as Slots).slotKeys.length).toBeLessThanOrEqual(1024);
  });

  it('scatters a window of consecutive keys: no long runs of occupied slots for a delete to scan', () => {
    // 10,000 live requests with consecutive indexes (a queue of waiting ones). Laid out by
    // key & mask they were one run of 10,000 slots, and every delete scanned it.
    const table = new IndexMap<number>();
    for (let index = 5_000; index < 15_000; index++) table.set(index, index);
    const slots = (table as unknown as Slots).slotKeys;
    let longest = 0;
    let run = 0;
    for (let k = 0; k < 2 * slots.length; k++) {
      run = slots[k % slots.length] === -1 ? 0 : run + 1;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeLessThan(64);
  });

  it('rejects keys it cannot hold and undefined values', () => {
    const table = new IndexMap<string>();
    expect(() => table.set(-1, 'x')).toThrow(/non-negative 32-bit integer/);
    expect(() => table.set(1.5, 'x')).toThrow(/non-negative 32-bit integer/);
    expect(() => table.set(2 ** 31, 'x')).toThrow(/non-negative 32-bit integer/);
    expect(() => table.set(3, undefined as unknown as string)).toThrow(/undefined/);
  });
});
