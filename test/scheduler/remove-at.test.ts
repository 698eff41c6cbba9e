import { describe, expect, it } from 'vitest';
import { removeAt } from '../../src/scheduler/remove-at.js';

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
