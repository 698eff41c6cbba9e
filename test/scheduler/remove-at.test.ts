import { describe, expect, it } from 'vitest';
import { removeAt, renewStorage } from '../../src/scheduler/remove-at.js';

describe('removeAt', () => {
  it('removes one element anywhere, keeping the order of the others', () => {
    for (let position = 0; position < 5; position++) {
      const items = ['a', 'b', 'c', 'd', 'e'];
      const expected = [...items];
      expected.splice(position, 1);
      removeAt(items, position);
      expect(items).toEqual(expected);
    }
  });

  it('refuses a position outside the array (an internal error)', () => {
    expect(() => removeAt([1, 2], 2)).toThrow(/internal: no element at 2 of 2/);
    expect(() => removeAt([], 0)).toThrow(/internal/);
  });
});

describe('renewStorage', () => {
  it('keeps the array itself and its elements in order, empty or not', () => {
    const a = { id: 'a' };
    const items = [a, { id: 'b' }, { id: 'c' }];
    const before = [...items];
    const same = items;
    renewStorage(items);
    expect(items).toBe(same);
    expect(items).toHaveLength(3);
    items.forEach((item, k) => expect(item).toBe(before[k]));
    const empty: number[] = [];
    renewStorage(empty);
    expect(empty).toEqual([]);
  });
});
