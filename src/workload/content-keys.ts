// Content keys for synthetic tokens (tokens.ts). Equal keys give equal token ids at equal positions,
// so keys must never collide by accident: two requests sharing a key would share prompt blocks and
// the prefix cache would report hits that no real workload has. The 32-bit key space is split by
// source, so every source can number its contents from 0 independently:
//
//   0x00000000 .. 0x7fffffff   generated requests, by sequence number (2^31 of them)
//   0x80000000 .. 0x9fffffff   explicit `requests:` entries, by position in the file
//   0xa0000000 .. 0xbfffffff   shared-prefix groups of the generator
//   0xc0000000 .. 0xdfffffff   trace file requests, by position in the replay (2^29 of them)
//   0xe0000000 .. 0xefffffff   trace content blocks named by the trace itself (Mooncake hash ids)
//   0xf0000000 .. 0xf7ffffff   multi-turn sessions (one key for all turns of a session)
//   0xf8000000 .. 0xffffffff   shared-prefix groups of a trace file, by first appearance

const GENERATED_LIMIT = 2 ** 31;
const RANGE = 2 ** 29;
const EXPLICIT_BASE = 0x80000000;
const PREFIX_BASE = 0xa0000000;
const TRACE_BASE = 0xc0000000;
const TRACE_BLOCK_BASE = 0xe0000000;
const TRACE_BLOCK_RANGE = 2 ** 28;
const SESSION_BASE = 0xf0000000;
const TRACE_GROUP_BASE = 0xf8000000;
const SMALL_RANGE = 2 ** 27;

function inRange(index: number, limit: number, what: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= limit) {
    throw new RangeError(`${what} ${index} is outside the content key range [0, ${limit})`);
  }
}

/** The content key of the `sequence`-th generated request (0-based). */
export function generatedContentKey(sequence: number): number {
  inRange(sequence, GENERATED_LIMIT, 'generated request');
  return sequence;
}

/** The content key of the explicit request at `index` in the scenario's `requests:` list. */
export function explicitContentKey(index: number): number {
  inRange(index, RANGE, 'explicit request');
  return EXPLICIT_BASE + index;
}

/** The content key of shared-prefix group `group` (0-based). */
export function prefixGroupKey(group: number): number {
  inRange(group, RANGE, 'prefix group');
  return PREFIX_BASE + group;
}

/** The largest number of prefix groups a generator may declare. */
export const MAX_PREFIX_GROUPS = RANGE;

/** The content key of the `index`-th request replayed from a trace file (0-based). */
export function traceContentKey(index: number): number {
  inRange(index, RANGE, 'trace request');
  return TRACE_BASE + index;
}

/** The largest content id a trace may name (Mooncake hash ids are 0-based block ids). */
export const MAX_TRACE_BLOCK_ID = TRACE_BLOCK_RANGE - 1;

/** The content key of a block that a trace names by id (a Mooncake hash id). */
export function traceBlockKey(id: number): number {
  inRange(id, TRACE_BLOCK_RANGE, 'trace block id');
  return TRACE_BLOCK_BASE + id;
}

/** The content key of the `index`-th multi-turn session (0-based): all its turns share it. */
export function sessionContentKey(index: number): number {
  inRange(index, SMALL_RANGE, 'session');
  return SESSION_BASE + index;
}

/** The content key of a trace's shared-prefix group, numbered by first appearance (0-based). */
export function traceGroupKey(index: number): number {
  inRange(index, SMALL_RANGE, 'trace prefix group');
  return TRACE_GROUP_BASE + index;
}
