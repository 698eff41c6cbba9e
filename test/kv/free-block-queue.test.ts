// FreeBlockQueue: spec B.6b and D row 28, re-expressing test_kv_cache_utils.py::
// test_free_kv_cache_block_queue_{initialization,operations,append_n,popleft_n,get_all_free_blocks}.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreeBlockQueue } from '../../src/kv/free-block-queue.js';

describe('FreeBlockQueue', () => {
  it('starts with every id in id order by default', () => {
    const q = new FreeBlockQueue(5);
    expect(q.length).toBe(5);
    expect(q.toArray()).toEqual([0, 1, 2, 3, 4]);
    q.checkInvariants();
  });

  it('a single-block queue has it at both ends', () => {
    const q = new FreeBlockQueue(1);
    expect(q.length).toBe(1);
    expect(q.toArray()).toEqual([0]);
    expect(q.popleft()).toBe(0);
    expect(q.length).toBe(0);
  });

  it('B.6b example: popleft, remove from the middle, append (test_..._operations)', () => {
    const q = new FreeBlockQueue(5);
    expect(q.popleft()).toBe(0);
    expect(q.length).toBe(4);
    expect(q.toArray()).toEqual([1, 2, 3, 4]);

    q.remove(2);
    expect(q.length).toBe(3);
    expect(q.toArray()).toEqual([1, 3, 4]);
    expect(q.contains(2)).toBe(false);
    q.checkInvariants();

    q.append(2);
    expect(q.length).toBe(4);
    expect(q.toArray()).toEqual([1, 3, 4, 2]);
    expect(q.contains(2)).toBe(true);
    q.checkInvariants();

    for (let i = 0; i < 4; i++) q.popleft();
    expect(q.length).toBe(0);
    expect(q.toArray()).toEqual([]);
    q.checkInvariants();
    expect(() => q.popleft()).toThrow(/no free blocks available/);
  });

  it('appendN adds at the tail in the given order (test_..._append_n)', () => {
    const q = new FreeBlockQueue(6, []);
    const steps: { add: number[]; expected: number[] }[] = [
      { add: [], expected: [] },
      { add: [0], expected: [0] },
      { add: [4, 5], expected: [0, 4, 5] },
      { add: [1, 2, 3], expected: [0, 4, 5, 1, 2, 3] },
    ];
    for (const { add, expected } of steps) {
      q.appendN(add);
      expect(q.length).toBe(expected.length);
      expect(q.toArray()).toEqual(expected);
      q.checkInvariants();
    }
  });

  it('popleftN returns the first n in order (test_..._popleft_n)', () => {
    const q = new FreeBlockQueue(6, [1, 3, 5, 4, 0, 2]);
    expect(q.toArray()).toEqual([1, 3, 5, 4, 0, 2]);
    const steps: { n: number; popped: number[]; left: number[] }[] = [
      { n: 0, popped: [], left: [1, 3, 5, 4, 0, 2] },
      { n: 1, popped: [1], left: [3, 5, 4, 0, 2] },
      { n: 2, popped: [3, 5], left: [4, 0, 2] },
      { n: 3, popped: [4, 0, 2], left: [] },
    ];
    for (const { n, popped, left } of steps) {
      expect(q.popleftN(n)).toEqual(popped);
      expect(q.length).toBe(left.length);
      expect(q.toArray()).toEqual(left);
      for (const id of popped) expect(q.contains(id)).toBe(false);
      q.checkInvariants();
    }
    expect(() => q.popleftN(1)).toThrow(/internal/);
  });

  it('toArray follows every operation (test_..._get_all_free_blocks)', () => {
    const q = new FreeBlockQueue(5);
    expect(q.toArray()).toEqual([0, 1, 2, 3, 4]);
    q.popleft();
    expect(q.toArray()).toEqual([1, 2, 3, 4]);
    q.remove(2);
    expect(q.toArray()).toEqual([1, 3, 4]);
    q.append(2);
    expect(q.toArray()).toEqual([1, 3, 4, 2]);
  });

  it('removes the head and the tail and relinks the ends', () => {
    const q = new FreeBlockQueue(4);
    q.remove(0);
    q.remove(3);
    expect(q.toArray()).toEqual([1, 2]);
    q.checkInvariants();
    q.append(0);
    expect(q.popleft()).toBe(1);
    expect(q.toArray()).toEqual([2, 0]);
    q.checkInvariants();
  });

  it('compacts its ring when removed (stale) entries fill it, keeping the order', () => {
    const q = new FreeBlockQueue(3); // a 16-entry ring
    // Every remove + append of block 1 leaves a stale entry behind: 20 of them overflow the ring.
    for (let i = 0; i < 20; i++) {
      q.remove(1);
      q.append(1);
      q.checkInvariants();
    }
    expect(q.toArray()).toEqual([0, 2, 1]);
    expect([q.popleft(), q.popleft(), q.popleft()]).toEqual([0, 2, 1]);
    q.checkInvariants();
  });

  it('matches a plain array under random operations, through ring wrap-around and compaction', () => {
    // The ring holds 16 entries for 5 blocks; removes leave stale entries behind, so long runs of
    // operations wrap the ring many times and force compactions.
    const op = fc.record({ kind: fc.constantFrom('popleft', 'remove', 'append'), pick: fc.nat(10) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const q = new FreeBlockQueue(5);
        const model = [0, 1, 2, 3, 4];
        for (const o of ops) {
          const absent = [0, 1, 2, 3, 4].filter((id) => !model.includes(id));
          if (o.kind === 'popleft' && model.length > 0) {
            expect(q.popleft()).toBe(model.shift());
          } else if (o.kind === 'remove' && model.length > 0) {
            const id = model.splice(o.pick % model.length, 1)[0]!;
            q.remove(id);
          } else if (o.kind === 'append' && absent.length > 0) {
            const id = absent[o.pick % absent.length]!;
            q.append(id);
            model.push(id);
          }
          expect(q.length).toBe(model.length);
          expect(q.toArray()).toEqual(model);
          q.checkInvariants();
        }
      }),
      { seed: 9, numRuns: 200 },
    );
  });

  it('rejects operations that would corrupt the list', () => {
    const q = new FreeBlockQueue(3);
    expect(() => q.append(1)).toThrow(/already in the queue/);
    q.remove(1);
    expect(() => q.remove(1)).toThrow(/not in the queue/);
    expect(() => q.append(3)).toThrow(/out of range/);
    expect(() => q.remove(-1)).toThrow(/out of range/);
    expect(q.toArray()).toEqual([0, 2]);
    q.checkInvariants();
  });
});
