// IndexMap (src/engine/index-map.ts): the same answers as a Map for integer keys, whatever the
// order of sets and deletes, with colliding keys, wrap-around probe runs and growth.
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

describe('IndexMap', () => {
  it('agrees with a Map on random sets and deletes of keys that collide (multiples of the capacity) or are dense', () => {
    // Keys k * 8 + small offsets all start at the same few home slots of an 8-slot table, so probe
    // runs are long, wrap around the end, and backward-shift deletion has work to do.
    const keyArb = fc.oneof(
      fc.integer({ min: 0, max: 12 }).map((k) => k * 8 + 7),
      fc.integer({ min: 0, max: 12 }).map((k) => k * 8),
      fc.integer({ min: 0, max: 40 }),
    );
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
    // Capacity 8: 7, 15 and 23 all start at slot 7; 15 and 23 wrap to slots 0 and 1.
    const table = new IndexMap<string>(8);
    table.set(7, 'a');
    table.set(15, 'b');
    table.set(23, 'c');
    table.set(1, 'd'); // home slot 1 is taken by 23: goes to 2
    expect(table.delete(7)).toBe(true);
    expect([table.get(15), table.get(23), table.get(1), table.get(7)]).toEqual(['b', 'c', 'd', undefined]);
    expect(table.delete(15)).toBe(true);
    expect([table.get(23), table.get(1)]).toEqual(['c', 'd']);
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
    expect((table as unknown as { slotKeys: Int32Array }).slotKeys.length).toBeLessThanOrEqual(1024);
  });

  it('rejects keys it cannot hold and undefined values', () => {
    const table = new IndexMap<string>();
    expect(() => table.set(-1, 'x')).toThrow(/non-negative 32-bit integer/);
    expect(() => table.set(1.5, 'x')).toThrow(/non-negative 32-bit integer/);
    expect(() => table.set(2 ** 31, 'x')).toThrow(/non-negative 32-bit integer/);
    expect(() => table.set(3, undefined as unknown as string)).toThrow(/undefined/);
  });
});
