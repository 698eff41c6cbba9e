// Int32Arrays carved out of shared slabs. Every request allocates token arrays (its prompt, its
// outputs) of a few hundred to a few thousand ints, and V8 gives each typed array of more than 64
// bytes its own off-heap buffer: a malloc, zero-filling, and bookkeeping for the garbage collector,
// about 2 us each, twice per request (issue 9). A view into a shared 64 KiB slab costs a fraction
// of that. A slab is freed when the last view into it is collected, so a long-lived array pins at
// most one slab; arrays larger than an eighth of a slab get their own buffer.

const SLAB_BYTES = 64 * 1024;
const MAX_SLAB_ALLOCATION_BYTES = SLAB_BYTES / 8;

let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/** A zero-filled Int32Array of `length` elements, sharing a slab with others when it is small. */
export function newInt32Array(length: number): Int32Array {
  const bytes = length * 4;
  if (bytes > MAX_SLAB_ALLOCATION_BYTES) return new Int32Array(length);
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const array = new Int32Array(slab, slabUsed, length);
  slabUsed += bytes;
  return array;
}
