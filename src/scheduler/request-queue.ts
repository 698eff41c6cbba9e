// The waiting queue (vllm/v1/core/sched/request_queue.py): a deque under FCFS, a binary heap
// ordered by (priority, arrival time, request id) under the priority policy.
import type { SimRequest } from './request.js';

export interface RequestQueue {
  readonly length: number;
  /** Append (FCFS: back of the deque; priority: heap push). */
  add(request: SimRequest): void;
  /** Return a preempted request (FCFS: front of the deque; priority: heap push). */
  prepend(request: SimRequest): void;
  peek(): SimRequest | undefined;
  pop(): SimRequest | undefined;
  /** Remove a request wherever it is (aborts); false if it is not queued. */
  remove(request: SimRequest): boolean;
  /** The requests in the order `pop` would return them (tests, snapshots). */
  toArray(): SimRequest[];
}

/** FCFS deque on a growable ring buffer: O(1) at both ends. */
export class FcfsQueue implements RequestQueue {
  private ring: (SimRequest | undefined)[] = new Array<SimRequest | undefined>(16);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  add(request: SimRequest): void {
    this.ensureRoom();
    this.ring[(this.head + this.count) & (this.ring.length - 1)] = request;
    this.count++;
  }

  prepend(request: SimRequest): void {
    this.ensureRoom();
    this.head = (this.head - 1) & (this.ring.length - 1);
    this.ring[this.head] = request;
    this.count++;
  }

  peek(): SimRequest | undefined {
    return this.count === 0 ? undefined : this.ring[this.head];
  }

  pop(): SimRequest | undefined {
    if (this.count === 0) return undefined;
    const request = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.count--;
    return request;
  }

  remove(request: SimRequest): boolean {
    const items = this.toArray();
    const at = items.indexOf(request);
    if (at < 0) return false;
    items.splice(at, 1);
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
    for (const item of items) this.add(item);
    return true;
  }

  toArray(): SimRequest[] {
    const out: SimRequest[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.ring[(this.head + i) & (this.ring.length - 1)]!);
    return out;
  }

  private ensureRoom(): void {
    if (this.count < this.ring.length) return;
    const items = this.toArray();
    this.ring = new Array<SimRequest | undefined>(this.ring.length * 2);
    for (let i = 0; i < items.length; i++) this.ring[i] = items[i];
    this.head = 0;
  }
}

/** vLLM's priority order: lower priority value first, then earlier arrival, then request id. */
export function priorityBefore(a: SimRequest, b: SimRequest): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority;
  if (a.arrivalTimeNs !== b.arrivalTimeNs) return a.arrivalTimeNs < b.arrivalTimeNs;
  if (a.requestId !== b.requestId) return a.requestId < b.requestId;
  return a.index < b.index;
}

export class PriorityQueue implements RequestQueue {
  private readonly heap: SimRequest[] = [];

  get length(): number {
    return this.heap.length;
  }

  add(request: SimRequest): void {
    const heap = this.heap;
    heap.push(request);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!priorityBefore(request, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = request;
  }

  prepend(request: SimRequest): void {
    this.add(request);
  }

  peek(): SimRequest | undefined {
    return this.heap[0];
  }

  pop(): SimRequest | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  remove(request: SimRequest): boolean {
    const at = this.heap.indexOf(request);
    if (at < 0) return false;
    const items = this.heap.splice(0);
    items.splice(at, 1);
    for (const item of items) this.add(item);
    return true;
  }

  toArray(): SimRequest[] {
    return [...this.heap].sort((a, b) => (priorityBefore(a, b) ? -1 : priorityBefore(b, a) ? 1 : 0));
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[start]!;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && priorityBefore(heap[r]!, heap[l]!) ? r : l;
      if (!priorityBefore(heap[child]!, item)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = item;
  }
}
