// FreeBlockQueue: spec B.6b and D row 28, re-expressing test_kv_cache_utils.py::
// test_free_kv_cache_block_queue_{initialization,operations,append_n,popleft_n,get_all_free_blocks}.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, FreeBlockQueue } from '../../src/kv/free-block-queue.js';

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

  it('keeps anonymous blocks as runs: merged at the tail, taken from the head one or many at a time', () => {
    const q = new FreeBlockQueue(10, [0, 1]);
    q.appendAnonymous(3);
    q.appendAnonymous(2); // merges with the run before it
    q.append(2);
    q.appendAnonymous(1);
    expect(q.length).toBe(9);
    expect(q.anonymousLength).toBe(6);
    expect(q.toArray()).toEqual([0, 1, -1, -1, -1, -1, -1, 2, -1]);
    q.checkInvariants();
    expect(q.takeAnonymous(4)).toBe(0); // a named block is at the head
    expect([q.popleft(), q.popleft(), q.popleft()]).toEqual([0, 1, ANONYMOUS]);
    expect(q.takeAnonymous(3)).toBe(3);
    expect(q.takeAnonymous(3)).toBe(1); // the rest of the run, not the run after block 2
    expect(q.takeAnonymous(3)).toBe(0);
    q.remove(2); // a stale entry before the last run is dropped on the way
    expect(q.takeAnonymous(3)).toBe(1);
    expect(q.length).toBe(0);
    expect(q.anonymousLength).toBe(0);
    q.checkInvariants();
    expect(() => q.appendAnonymous(11)).toThrow(/overfills/);
  });

  // Two starts: five of eight ids given in order, and a new queue of every id (its fresh run,
  // which takeFresh hands out as a range and a remove from its middle writes into the ring).
  it.each([
    { start: 'five ids given', ids: 5, seed: 11 },
    { start: 'every id, fresh', ids: 8, seed: 12 },
  ])('matches a plain array with anonymous runs under random operations ($start)', ({ ids, seed }) => {
    // Anonymous blocks are -1 in the model. takeAnonymous may stop at a run's end (runs merge only
    // when appended next to each other), so the model only bounds what it takes.
    const op = fc.record({
      kind: fc.constantFrom('popleft', 'remove', 'append', 'appendAnonymous', 'takeAnonymous', 'takeFresh'),
      pick: fc.nat(10),
    });
    const universe = Array.from({ length: ids }, (_, id) => id);
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const capacity = 8;
        const q = ids === capacity ? new FreeBlockQueue(capacity) : new FreeBlockQueue(capacity, universe);
        const model: number[] = [...universe];
        for (const o of ops) {
          const absent = universe.filter((id) => !model.includes(id));
          const named = model.filter((id) => id >= 0);
          if (o.kind === 'popleft' && model.length > 0) {
            expect(q.popleft()).toBe(model.shift());
          } else if (o.kind === 'remove' && named.length > 0) {
            const id = named[o.pick % named.length]!;
            model.splice(model.indexOf(id), 1);
            q.remove(id);
          } else if (o.kind === 'append' && absent.length > 0) {
            const id = absent[o.pick % absent.length]!;
            q.append(id);
            model.push(id);
          } else if (o.kind === 'appendAnonymous' && model.length < capacity) {
            const k = 1 + (o.pick % (capacity - model.length));
            q.appendAnonymous(k);
            for (let i = 0; i < k; i++) model.push(ANONYMOUS);
          } else if (o.kind === 'takeAnonymous') {
            let leading = 0;
            while (leading < model.length && model[leading] === ANONYMOUS) leading++;
            const max = 1 + (o.pick % 4);
            const taken = q.takeAnonymous(max);
            if (leading === 0) expect(taken).toBe(0);
            else expect(taken).toBeGreaterThanOrEqual(1);
            expect(taken).toBeLessThanOrEqual(Math.min(max, leading));
            model.splice(0, taken);
          } else if (o.kind === 'takeFresh') {
            const fresh = q.freshLength;
            if (fresh === 0) {
              expect(() => q.takeFresh(1)).toThrow(/internal/);
            } else {
              // The fresh run is the head of the queue, consecutive ids.
              const n = 1 + (o.pick % fresh);
              const first = q.takeFresh(n);
              expect(model.slice(0, n)).toEqual(Array.from({ length: n }, (_, k) => first + k));
              model.splice(0, n);
            }
          }
          expect(q.length).toBe(model.length);
          expect(q.anonymousLength).toBe(model.filter((id) => id === ANONYMOUS).length);
          expect(q.toArray()).toEqual(model);
          for (const id of universe) expect(q.contains(id)).toBe(model.includes(id));
          q.checkInvariants();
        }
      }),
      { seed, numRuns: 200 },
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
