// A fixed amount of plain JavaScript work, as a process of its own: its CPU time says how fast the
// machine is in this sitting, so that figures from different sittings can be compared (on a shared
// VM the same build's 50k case took 0.95 s in one sitting and 1.48 s in another). Nothing of
// simtrace runs here. Like a simulation it computes in tight loops, allocates short-lived objects
// and reads memory far larger than the CPU's caches at random; a sitting can be slow in one of
// these and not the others (neighbours on a shared VM compete for the caches and memory too).
let x = 1;
/** A Lehmer generator: the same numbers on every machine. */
const next = () => (x = (x * 48271) % 2147483647);
const values = new Float64Array(1 << 19);
for (let i = 0; i < values.length; i++) values[i] = next();
values.sort();
let sum = 0;
for (let i = 0; i < 2_000_000; i++) {
  const pair = { a: i, b: values[i & (values.length - 1)] };
  sum += pair.a + pair.b;
}
const map = new Map();
for (let i = 0; i < 100_000; i++) map.set(`k${i}`, i);
for (let i = 0; i < 100_000; i++) sum += map.get(`k${i}`);
// 64 MiB read at random: nearly every read misses the caches.
const big = new Int32Array(1 << 24);
for (let i = 0; i < big.length; i += 1024) big[i] = i;
for (let i = 0; i < 1_000_000; i++) sum += big[next() & (big.length - 1)];
process.stdout.write(`${JSON.stringify({ checksum: sum % 1e9 })}\n`);
