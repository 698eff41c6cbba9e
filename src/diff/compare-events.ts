// The events of two paired spans. Events are paired by identity, not position, so that one missing
// event is reported once instead of shifting every event after it:
//   - journey and api events: by name and occurrence (the 2nd journey.SCHEDULED is a RESUME);
//   - step events: by name, step.id and, for snapshots, the request (through its identity, so a
//     snapshot pairs with its counterpart even when the engine ids' random suffixes differ).
// Paired events are then compared field by field, and their relative order is checked: the events
// outside a longest common ordering are reported as moved.
import { describeEvent } from './describe.js';
import type { Difference, Location, TraceEvent } from './model.js';
import { stringAttr } from './normalise.js';
import { compareAttributes, renderTime, timesMatch, type Side, type ValueContext } from './values.js';

type EventLocation = Pick<Location, 'step' | 'event' | 'occurrence' | 'eventRequest'>;

interface KeyedEvent {
  readonly key: string;
  readonly event: TraceEvent;
  readonly location: EventLocation;
}

/** What compare-events reports through: a difference, when it happens (EXPECTED's clock) and which event. */
export type EmitEventDifference = (difference: Difference, atNs: bigint, eventKey: string) => void;

function keyEvents(events: readonly TraceEvent[], side: Side): KeyedEvent[] {
  const bases = events.map((event) => {
    if (!event.name.startsWith('step.')) return { base: event.name, location: { event: event.name } as EventLocation };
    const stepId = event.attributes.get('step.id');
    const step = stepId?.type === 'int' ? Number(stepId.text) : undefined;
    const requestId = stringAttr(event.attributes, 'request.id');
    const request = requestId === undefined ? undefined : side.index.requestById.get(requestId);
    const location: EventLocation = {
      event: event.name,
      ...(step !== undefined ? { step } : {}),
      ...(requestId !== undefined ? { eventRequest: request?.label ?? requestId } : {}),
    };
    return { base: `${event.name}|${step ?? ''}|${request?.key ?? requestId ?? ''}`, location };
  });
  const totals = new Map<string, number>();
  for (const { base } of bases) totals.set(base, (totals.get(base) ?? 0) + 1);
  const seen = new Map<string, number>();
  return bases.map(({ base, location }, i) => {
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return { key: `${base}#${n}`, event: events[i]!, location: totals.get(base)! > 1 ? { ...location, occurrence: n } : location };
  });
}

/** Indices (into `values`) of one longest strictly increasing subsequence: patience sorting. */
export function longestIncreasing(values: readonly number[]): Set<number> {
  const tails: number[] = [];
  const previous: number[] = [];
  values.forEach((value, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[tails[mid]!]! < value) lo = mid + 1;
      else hi = mid;
    }
    previous[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
  });
  const kept = new Set<number>();
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = previous[i]!) kept.add(i);
  return kept;
}

/** Where an event sits in its span, by its neighbour: "after journey.SCHEDULED #1". */
function place(list: readonly KeyedEvent[], position: number): string {
  if (position === 0) return 'first in its span';
  const before = list[position - 1]!.location;
  return `after ${describeEvent(before)}${before.step !== undefined ? ` (step ${before.step})` : ''}`;
}

/** Compares the events of two paired spans; returns how many distinct events were compared. */
export function compareEvents(expectedEvents: readonly TraceEvent[], actualEvents: readonly TraceEvent[], context: ValueContext, emit: EmitEventDifference): number {
  const { expected: eSide, actual: aSide, options } = context;
  const left = keyEvents(expectedEvents, eSide);
  const right = keyEvents(actualEvents, aSide);
  const rightByKey = new Map(right.map((keyed, position) => [keyed.key, { keyed, position }]));
  const leftKeys = new Set(left.map((keyed) => keyed.key));
  const toExpectedClock = (ns: bigint): bigint => ns - aSide.epochNs + eSide.epochNs;

  const common: { keyed: KeyedEvent; position: number; actualPosition: number }[] = [];
  left.forEach((keyed, position) => {
    const match = rightByKey.get(keyed.key);
    const eTime = keyed.event.timeNs;
    if (match === undefined) {
      emit({ kind: 'missing-event', ...keyed.location, expected: `at ${renderTime(eTime - eSide.epochNs, eSide)}` }, eTime, keyed.key);
      return;
    }
    common.push({ keyed, position, actualPosition: match.position });
    const aTime = match.keyed.event.timeNs;
    const at = eTime < toExpectedClock(aTime) ? eTime : toExpectedClock(aTime);
    const eRel = eTime - eSide.epochNs;
    const aRel = aTime - aSide.epochNs;
    if (!timesMatch(eRel, aRel, options.tolerance)) {
      emit({ kind: 'value', ...keyed.location, attribute: 'time', field: true, expected: renderTime(eRel, eSide), actual: renderTime(aRel, aSide) }, at, keyed.key);
    }
    for (const difference of compareAttributes(keyed.event.attributes, match.keyed.event.attributes, context)) {
      emit({ kind: 'value', ...keyed.location, ...difference }, at, keyed.key);
    }
  });
  right.forEach((keyed) => {
    if (leftKeys.has(keyed.key)) return;
    const aTime = keyed.event.timeNs;
    emit({ kind: 'extra-event', ...keyed.location, actual: `at ${renderTime(aTime - aSide.epochNs, aSide)}` }, toExpectedClock(aTime), keyed.key);
  });

  // Order: the paired events that are not part of a longest run in the same order have moved.
  const kept = longestIncreasing(common.map((c) => c.actualPosition));
  common.forEach((c, i) => {
    if (kept.has(i)) return;
    emit({ kind: 'reordered-event', ...c.keyed.location, expected: place(left, c.position), actual: place(right, c.actualPosition) }, c.keyed.event.timeNs, c.keyed.key);
  });
  return left.length + right.length - common.length;
}
