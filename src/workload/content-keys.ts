// Content keys for synthetic tokens (tokens.ts). Equal keys give equal token ids at equal positions,
// so keys must never collide by accident: two requests sharing a key would share prompt blocks and
// the prefix cache would report hits that no real workload has. The 32-bit key space is split by
// source, so every source can number its contents from 0 independently:
//
//   0x00000000 .. 0x7fffffff   generated requests, by sequence number (2^31 of them)
//   0x80000000 .. 0x9fffffff   explicit `requests:` entries, by position in the file
//   0xa0000000 .. 0xbfffffff   shared-prefix groups of the generator
//   0xc0000000 .. 0xffffffff   reserved for future sources (trace files, multi-turn sessions)

const GENERATED_LIMIT = 2 ** 31;
const RANGE = 2 ** 29;
const EXPLICIT_BASE = 0x80000000;
const PREFIX_BASE = 0xa0000000;

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
