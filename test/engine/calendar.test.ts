// EventCalendar (src/engine/calendar.ts): events run by time, then priority, then scheduling order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventCalendar } from '../../src/engine/calendar.js';

const drain = (calendar: EventCalendar<string>): string[] => {
  const out: string[] = [];
  for (let entry = calendar.pop(); entry !== undefined; entry = calendar.pop()) out.push(entry.payload);
  return out;
};

describe('EventCalendar', () => {
  it('orders by time, then priority, then the order events were scheduled', () => {
    const calendar = new EventCalendar<string>();
    calendar.schedule(20, 0, 'late');
    calendar.schedule(10, 5, 'b-first');
    calendar.schedule(10, 1, 'a');
    calendar.schedule(10, 5, 'b-second');
    calendar.schedule(5, 9, 'early');
    expect(drain(calendar)).toEqual(['early', 'a', 'b-first', 'b-second', 'late']);
    expect(() => calendar.schedule(-1, 0, 'x')).toThrow(/internal/);
    expect(() => calendar.schedule(1.5, 0, 'x')).toThrow(/internal/);
  });

  it('matches a sort of (time, priority, sequence) for any events', () => {
    const event = fc.record({ time: fc.integer({ min: 0, max: 5 }), priority: fc.integer({ min: -1, max: 5 }) });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        const calendar = new EventCalendar<string>();
        events.forEach((e, k) => calendar.schedule(e.time, e.priority, String(k)));
        const expected = events
          .map((e, k) => ({ ...e, k }))
          .sort((x, y) => x.time - y.time || x.priority - y.priority || x.k - y.k)
          .map((e) => String(e.k));
        expect(drain(calendar)).toEqual(expected);
      }),
      { seed: 3, numRuns: 200 },
    );
  });

  it('says whether an event scheduled now would be the next to run (nextWouldBe)', () => {
    const calendar = new EventCalendar<string>();
    expect(calendar.nextWouldBe(10, 5)).toBe(true); // nothing pending
    calendar.schedule(10, 3, 'input');
    expect(calendar.nextWouldBe(10, 2)).toBe(true); // a lower priority number runs first
    expect(calendar.nextWouldBe(10, 3)).toBe(false); // same priority: the pending one was first
    expect(calendar.nextWouldBe(10, 5)).toBe(false);
    expect(calendar.nextWouldBe(9, 5)).toBe(true); // an earlier time runs first
    expect(calendar.nextWouldBe(11, 0)).toBe(false);
  });
});
