// A token sequence described by its pieces instead of spelled out token by token (issue 9).
//
// Almost every prompt simtrace simulates is synthetic: runs of `syntheticToken(key, position)`
// for consecutive positions of a content key (a request's own content, a shared prefix group, a
// Mooncake block, a session's conversation). Writing those tokens out cost an array of 4 bytes per
// token per request and a hash over every token; at 1,000-token prompts that was about a tenth of
// a run, and a fifth of a Mooncake replay. A `TokenContent` keeps the runs as (key, first key
// position, length) and only the tokens nobody synthesized (a scenario's explicit `prompt:`, an
// EOS quoted by a session's next turn) as arrays.
//
// The prefix cache depends on this representation being faithful: a block lying inside one run is
// hashed from (key, key position) instead of its tokens (kv/block-hash.ts, hashRunBlock), so the
// same synthetic tokens must always come as a run, never spelled out. Every producer builds its
// prompts from runs (`run`, `concat`); adjacent pieces that continue the same run are merged, so
// how a sequence was put together never changes where its runs are.
import { syntheticToken } from './synthetic.js';

/** One piece: a run of synthetic tokens (`ids` null) or explicit token ids. */
interface Segment {
  /** Position of the piece's first token in the whole content. */
  readonly offset: number;
  readonly length: number;
  /** Run: the content key, and the key position of its first token. */
  readonly key: number;
  readonly keyStart: number;
  /** Explicit tokens, or null for a run. */
  readonly ids: Int32Array | null;
}

export class TokenContent {
  static readonly EMPTY = new TokenContent([], 0);

  private constructor(
    private readonly segments: readonly Segment[],
    readonly length: number,
  ) {}

  /** `length` synthetic tokens of content `key`, its positions `keyStart`, `keyStart + 1`, ... */
  static run(key: number, keyStart: number, length: number): TokenContent {
    checkCount('run length', length);
    checkCount('run key position', keyStart);
    if (length === 0) return TokenContent.EMPTY;
    return new TokenContent([{ offset: 0, length, key: key >>> 0, keyStart, ids: null }], length);
  }

  /** Explicit token ids (copied). */
  static tokens(ids: ArrayLike<number>): TokenContent {
    if (ids.length === 0) return TokenContent.EMPTY;
    const copy = Int32Array.from(ids);
    return new TokenContent([{ offset: 0, length: copy.length, key: 0, keyStart: 0, ids: copy }], copy.length);
  }

  /** The parts one after the other; a run that continues the previous part's run joins it. */
  static concat(parts: readonly TokenContent[]): TokenContent {
    const segments: Segment[] = [];
    let length = 0;
    for (const part of parts) {
      for (const segment of part.segments) {
        const last = segments[segments.length - 1];
        if (last !== undefined && continues(last, segment)) {
          segments[segments.length - 1] = { ...last, length: last.length + segment.length };
        } else {
          segments.push({ ...segment, offset: length });
        }
        length += segment.length;
      }
    }
    return length === 0 ? TokenContent.EMPTY : new TokenContent(segments, length);
  }

  /** The token id at `position`. */
  tokenAt(position: number): number {
    const segment = this.segments[this.segmentIndex(position)]!;
    const at = position - segment.offset;
    return segment.ids === null ? syntheticToken(segment.key, segment.keyStart + at) : segment.ids[at]!;
  }

  /** Every token id, spelled out (allocates; for tests, debugging and rare paths). */
  toArray(): Int32Array {
    const out = new Int32Array(this.length);
    for (let p = 0; p < this.length; p++) out[p] = this.tokenAt(p);
    return out;
  }

  /**
   * The run holding every position of [start, end), as its index for `runKey` and
   * `runKeyPosition`, or -1 when the range is not inside one run.
   */
  runHolding(start: number, end: number): number {
    if (start < 0 || end > this.length || start >= end) return -1;
    const index = this.segmentIndex(start);
    const segment = this.segments[index]!;
    return segment.ids === null && end <= segment.offset + segment.length ? index : -1;
  }

  /** The position of the first token of a run of content `key`, or -1 if no run has that key. */
  firstPositionOfKey(key: number): number {
    const wanted = key >>> 0;
    for (const segment of this.segments) if (segment.ids === null && segment.key === wanted) return segment.offset;
    return -1;
  }

  /** The content key of run `index` (from runHolding). */
  runKey(index: number): number {
    return this.segments[index]!.key;
  }

  /** The key position of content position `position` inside run `index` (from runHolding). */
  runKeyPosition(index: number, position: number): number {
    const segment = this.segments[index]!;
    return segment.keyStart + position - segment.offset;
  }

  /** The index of the segment holding `position` (binary search: segments are few and ordered). */
  private segmentIndex(position: number): number {
    if (!(position >= 0 && position < this.length)) {
      throw new RangeError(`internal: token position ${position} outside content of ${this.length} tokens`);
    }
    const segments = this.segments;
    let low = 0;
    let high = segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (segments[mid]!.offset <= position) low = mid;
      else high = mid - 1;
    }
    return low;
  }
}

/** Whether `next` continues `last`'s run: same key, the next key position. */
function continues(last: Segment, next: Segment): boolean {
  return last.ids === null && next.ids === null && last.key === next.key && last.keyStart + last.length === next.keyStart;
}

function checkCount(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`internal: ${what} must be a non-negative integer, got ${value}`);
}
