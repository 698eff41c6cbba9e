// Restores arrival order within a bounded window. Logs are "almost sorted": rows written by several
// threads or rounded to mixed precision can trade places with near neighbours. A min-heap of at most
// `window` rows puts such rows back in order while holding only the window; a row that is earlier
// than a request already released was displaced by more than the window, which is an error (the
// file needs sorting), never a silent reordering. Ties keep file order (the heap orders by time,
// then by sequence).
import { InputError } from '../../scenario/problems.js';
import type { TraceRow } from './trace-row.js';

export const REORDER_WINDOW = 4096;

interface Entry {
  readonly row: TraceRow;
  readonly seq: number;
}

const before = (a: Entry, b: Entry) => a.row.timeNs < b.row.timeNs || (a.row.timeNs === b.row.timeNs && a.seq < b.seq);

class MinHeap {
  private readonly items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(entry: Entry): void {
    const a = this.items;
    a.push(entry);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): Entry {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** `rows` in non-decreasing `timeNs`, for rows displaced by fewer than `window` positions. */
export function* reorderByTime(rows: Iterable<TraceRow>, file: string, window = REORDER_WINDOW): Generator<TraceRow, void, undefined> {
  const heap = new MinHeap();
  let seq = 0;
  let last: TraceRow | undefined;
  const release = (): TraceRow => {
    const row = heap.pop().row;
    last = row;
    return row;
  };
  for (const row of rows) {
    if (last !== undefined && row.timeNs < last.timeNs) {
      throw new InputError([
        {
          file,
          line: row.line,
          path: '',
          message: `expected rows in time order (within ${window} rows), found a request ${(last.timeNs - row.timeNs) / 1e9} s earlier than the one at line ${last.line}; sort the file by time`,
        },
      ]);
    }
    heap.push({ row, seq: seq++ });
    if (heap.size > window) yield release();
  }
  while (heap.size > 0) yield release();
}
