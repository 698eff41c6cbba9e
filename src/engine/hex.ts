// Lowercase hex of 32-bit words, for request, trace and span ids. Ids are drawn for every request
// and span; a byte table is several times faster than toString(16) plus padStart.

const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** `value` (an unsigned 32-bit integer) as exactly 8 lowercase hex digits. */
export function hex32(value: number): string {
  return HEX_BYTE[value >>> 24]! + HEX_BYTE[(value >>> 16) & 0xff]! + HEX_BYTE[(value >>> 8) & 0xff]! + HEX_BYTE[value & 0xff]!;
}
