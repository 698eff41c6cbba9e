// The open-addressing hash table behind the prefix cache, against a plain Map-of-lists model
// under random inserts and removes (including duplicates and colliding home slots).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockHashTable } from '../../src/kv/block-hash-table.js';

describe('BlockHashTable', () => {
  it('returns the earliest-inserted block of a hash, and keeps others findable after removals', () => {
    const table = new BlockHashTable(8);
    table.insert(10, 1);
    table.insert(10, 2);
    const sameHome = 10 + 2 ** 32; // the home slot comes from the low 32 bits: same as 10's
    table.insert(sameHome, 3);
    expect(table.first(10)).toBe(1);
    expect(table.first(sameHome)).toBe(3);
    expect(table.remove(10, 1)).toBe(true);
    expect(table.first(10)).toBe(2);
    expect(table.first(sameHome)).toBe(3);
    expect(table.remove(10, 1)).toBe(false);
    expect([table.size, table.distinctHashes]).toEqual([2, 2]);
  });

  it('keeps hashes that share their low 32 bits (one tag) apart, and removes only the exact pair', () => {
    const table = new BlockHashTable(8);
    const a = 7 + 3 * 2 ** 32;
    const b = 7 + 5 * 2 ** 32; // same tag (low 32 bits) as a, another hash
    table.insert(a, 4);
    table.insert(b, 5);
    expect(table.first(a)).toBe(4);
    expect(table.first(b)).toBe(5);
    expect(table.first(7)).toBe(-1);
    expect(table.remove(b, 4)).toBe(false); // block 4 is registered under a, not b
    expect(table.remove(a, 5)).toBe(false);
    expect(table.remove(a, 4)).toBe(true);
    expect(table.first(a)).toBe(-1);
    expect(table.first(b)).toBe(5);
    expect([table.size, table.distinctHashes]).toEqual([1, 1]);
  });

  it('matches a Map-of-lists model under random operations', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), hash: fc.integer({ min: 0, max: 40 }).map((h) => h * 2 ** 32 + (h % 3)) }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const table = new BlockHashTable(301); // block ids 1..300
        const model = new Map<number, number[]>();
        const live: [number, number][] = [];
        let nextBlock = 1;
        for (const o of ops) {
          if (o.kind === 'insert') {
            const block = nextBlock++;
            table.insert(o.hash, block);
            model.set(o.hash, [...(model.get(o.hash) ?? []), block]);
            live.push([o.hash, block]);
          } else if (live.length > 0) {
            const [hash, block] = live.splice(o.pick % live.length, 1)[0]!;
            expect(table.remove(hash, block)).toBe(true);
            const rest = model.get(hash)!.filter((b) => b !== block);
            if (rest.length === 0) model.delete(hash);
            else model.set(hash, rest);
          }
          for (const [hash, blocks] of model) expect(table.first(hash)).toBe(blocks[0]);
          expect(table.size).toBe(live.length);
          expect(table.distinctHashes).toBe(model.size);
        }
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  it('keeps full hashes in a store it is given, at block * stride + offset', () => {
    const values = new Float64Array(3 * 4).fill(-1);
    const table = new BlockHashTable(4, { values, stride: 3, offset: 2 });
    table.insert(5 + 2 ** 40, 3);
    expect(values[3 * 3 + 2]).toBe(5 + 2 ** 40);
    expect(table.first(5 + 2 ** 40)).toBe(3);
    // The owner changed the stored hash (it may only do so after removing the block): the entry
    // no longer matches, since the table confirms tag matches against the store.
    values[3 * 3 + 2] = 5;
    expect(table.first(5 + 2 ** 40)).toBe(-1);
    expect(table.remove(5 + 2 ** 40, 3)).toBe(false);
  });

  it('refuses block ids outside the range it was made for, and a store too small for it', () => {
    expect(() => new BlockHashTable(4).insert(1, 4)).toThrow(/out of range/);
    expect(() => new BlockHashTable(4, { values: new Float64Array(7), stride: 2, offset: 1 })).toThrow(/too few/);
  });
});
