// One frozen empty array for every list that is usually empty on a hot path (a step that lists
// nothing, a request without prefix hits): sharing it saves an allocation each time (issue 9).
// Frozen, so that a push to it throws instead of filling everyone's empty list.

const EMPTY: readonly never[] = Object.freeze([]);

/** The shared frozen empty list, typed for a field or variable that holds a T[] that stays empty. */
export function emptyList<T>(): T[] {
  return EMPTY as unknown as T[];
}
