// PendingQueue (src/server/pending-queue.ts): the frontend's queue of steady stretches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PendingQueue } from '../../src/server/pending-queue.js';

describe('PendingQueue', () => {
  it('is first in, first out, and rejects a shift when empty', () => {
    const q = new PendingQueue<number>();
    q.push(1);
    q.push(2);
    expect([q.length, q.peek(), q.at(1)]).toEqual([2, 1, 2]);
    expect(q.shift()).toBe(1);
    q.push(3);
    expect([q.shift(), q.shift()]).toEqual([2, 3]);
    expect(q.peek()).toBeUndefined();
    expect(() => q.shift()).toThrow(/internal/);
    expect(() => q.at(0)).toThrow(/internal/);
  });

  it('matches a plain array under random pushes and shifts, through resets and compactions', () => {
    // compactAfter 3: a queue that is seldom empty compacts often.
    const op = fc.oneof(fc.constant('shift' as const), fc.integer({ min: 0, max: 99 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const q = new PendingQueue<number>(3);
        const model: number[] = [];
        for (const o of ops) {
          if (o === 'shift') {
            if (model.length > 0) expect(q.shift()).toBe(model.shift());
          } else {
            q.push(o);
            model.push(o);
          }
          expect(q.length).toBe(model.length);
          expect(q.peek()).toBe(model[0]);
          expect(Array.from({ length: q.length }, (_, k) => q.at(k))).toEqual(model);
        }
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});
