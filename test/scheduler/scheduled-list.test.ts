// The schedule() call's scheduled list: push, find, remove (priority preemption of a request
// already scheduled this step) and the exact-length arrays it hands on, shared when it lists nothing.
import { describe, expect, it } from 'vitest';
import { ScheduledList } from '../../src/scheduler/scheduled-list.js';
import type { SimRequest } from '../../src/scheduler/request.js';

const fake = (id: string) => ({ requestId: id }) as unknown as SimRequest;

describe('ScheduledList', () => {
  it('keeps order through removals and finishes with arrays of exactly its length', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(fake) as [SimRequest, SimRequest, SimRequest, SimRequest];
    const list = new ScheduledList(6);
    list.push(a, 1);
    list.push(b, 20);
    list.push(c, 3);
    expect(list.indexOf(b)).toBe(1);
    expect(list.indexOf(d)).toBe(-1);
    expect(list.tokensAt(1)).toBe(20);
    list.removeAt(1);
    expect(list.length).toBe(2);
    expect(list.indexOf(b)).toBe(-1);
    list.push(d, 4);
    const { requests, tokens } = list;
    expect(requests).toEqual([a, c, d]);
    expect(tokens).toEqual([1, 3, 4]);
  });

  it('counts steady entries instead of listing them, within the same capacity', () => {
    const [a, d] = ['a', 'd'].map(fake) as [SimRequest, SimRequest];
    const plain = new ScheduledList(2);
    plain.push(a, 5);
    expect(plain.steady.count).toBe(0);
    const list = new ScheduledList(4);
    list.push(a, 5);
    list.addSteady(2, 41 + 42, 1);
    list.push(d, 2);
    expect(() => list.addSteady(1, 7, 1)).toThrow(/internal: more than 4 requests/);
    const { requests, tokens, steady } = list;
    expect(requests).toEqual([a, d]);
    expect(tokens).toEqual([5, 2]);
    expect(steady.count).toBe(2);
    expect(steady.contextSum).toBe(83);
    expect(steady.streamed).toBe(1);
  });

  it('hands on one frozen pair of empty lists for every step that lists nothing, and its own lists from the first push', () => {
    const [none, other] = [new ScheduledList(4), new ScheduledList(4)];
    none.addSteady(3, 30, 0);
    expect(none.requests).toEqual([]);
    expect(none.requests).toBe(other.requests);
    expect(none.tokens).toBe(other.tokens);
    expect(Object.isFrozen(none.requests)).toBe(true);
    other.push(fake('a'), 7);
    expect(other.requests).toEqual([fake('a')]);
    expect(none.requests).toEqual([]);
    expect(Object.isFrozen(other.tokens)).toBe(false);
  });

  it('refuses more requests than its capacity (an internal error)', () => {
    const list = new ScheduledList(1);
    list.push(fake('a'), 1);
    expect(() => list.push(fake('b'), 1)).toThrow(/internal: more than 1 requests/);
  });
});
